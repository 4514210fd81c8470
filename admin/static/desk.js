// The desk's only script: served by Loa (CSP script-src 'self', no inline handlers).
// The unit picker: a unit ticked among the search results moves to the chosen list, so
// the next search does not drop it; unticked there, it goes away.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || box.name !== "scope_units") return;
  const chosen = document.getElementById("chosen-units");
  const label = box.closest("label");
  if (!chosen || !label) return;
  if (box.checked && box.hasAttribute("data-unit-choice")) {
    box.removeAttribute("data-unit-choice");
    if (chosen.querySelector(`input[value="${CSS.escape(box.value)}"]`)) {
      label.remove();
    } else {
      chosen.append(label);
    }
  } else if (!box.checked && chosen.contains(label)) {
    label.remove();
  }
});

// The delivery board: while deliveries are under way the server streams the table
// (server-sent events, /admin/items/<uid>/stream); each "deliveries" event replaces it.
// When nothing is under way any more the server sends "end" and closes; the browser's
// reconnection is answered 204, which ends the EventSource. A form being typed into is not
// replaced: the next event (or a reload) brings the news.
function watchDeliveries() {
  const board = document.getElementById("deliveries");
  const url = board && board.dataset.stream;
  if (!url || !("EventSource" in window)) return;
  const source = new EventSource(url);
  let leaving = false; // a form of the table was sent: the page is going, leave it as it is
  document.addEventListener("submit", () => {
    leaving = true;
    source.close();
  });
  source.addEventListener("deliveries", (event) => {
    const current = document.getElementById("deliveries");
    const typing = document.activeElement;
    if (leaving || !current || (typing instanceof HTMLInputElement && current.contains(typing))) {
      return;
    }
    const holder = document.createElement("div");
    holder.innerHTML = event.data;
    const fresh = holder.querySelector("#deliveries");
    if (fresh && !fresh.isEqualNode(current)) current.replaceWith(fresh);
  });
}
document.addEventListener("DOMContentLoaded", watchDeliveries);
