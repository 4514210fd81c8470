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
