// Autosave of the compose form (served by Loa; CSP script-src 'self', no inline handlers).
// A draft is saved ~10 s after the first change not yet saved (typing on keeps a save every
// ~10 s), and once more when the page is left. The first autosave of a new item creates the
// draft; later ones send the revision the form holds, so a save from a stale tab is refused
// as a conflict instead of overwriting. An item past its draft is never autosaved: the page
// says there are unsaved changes until the editor presses Save. Uploads wait for Save.
(() => {
  const form = document.getElementById("compose");
  const status = document.getElementById("autosave-status");
  if (!form || !status) return;
  const delay = Number(status.dataset.delay) || 10000;
  const ignored = new Set(["q", "template_name", "cover", "cover_alt", "cover_caption"]);
  let timer = null;
  let dirty = false;
  let busy = false;
  let stopped = status.dataset.autosave !== "on";
  let submitting = false;
  let waitingSubmit = null;

  function say(state, vi, en) {
    status.dataset.state = state;
    const english = document.createElement("span");
    english.className = "en";
    english.textContent = ` / ${en}`;
    status.replaceChildren(vi, english);
  }

  function unsaved() {
    say(
      "unsaved",
      "Đã có thay đổi chưa lưu — hãy bấm Lưu (bản sửa mới cần duyệt lại).",
      "Unsaved changes — press Save (a new revision needs approval again).",
    );
  }

  function body() {
    const data = new FormData(form);
    for (const name of ignored) data.delete(name);
    return data;
  }

  function schedule() {
    if (!timer && !stopped) timer = window.setTimeout(save, delay);
  }

  function created(answer) {
    form.action = answer.edit_url;
    form.dataset.uid = answer.uid;
    status.dataset.autosaveUrl = answer.autosave_url;
    window.history.replaceState(null, "", answer.edit_url);
    const button = document.getElementById("save-as-template");
    if (button) button.setAttribute("formaction", `/admin/templates?item=${answer.uid}`);
  }

  function answered(response, answer) {
    if (response.ok && answer.state === "saved") {
      document.getElementById("base_revision").value = answer.revision;
      if (answer.created) created(answer);
      say("saved", `Đã lưu lúc ${answer.saved_at}`, `Saved at ${answer.saved_at}`);
      return;
    }
    dirty = true;
    if (answer.state === "conflict" || answer.state === "manual") {
      stopped = true;
      if (answer.state === "manual") return unsaved();
      return say(
        "conflict",
        "Xung đột: bài đã được sửa ở tab hoặc máy khác; phần bạn gõ ở đây chưa được lưu. Hãy sao chép rồi tải lại trang.",
        "Conflict: the item was changed in another tab or by someone else; what you typed here is not saved. Copy it, then reload.",
      );
    }
    if (answer.state === "invalid") {
      return say(
        "failed",
        `Chưa tự động lưu được: ${answer.message_vi}`,
        `Not autosaved: ${answer.message_en}`,
      );
    }
    if (response.type === "opaqueredirect" || response.status === 403 || response.status === 404) {
      stopped = true;  // signed out, an expired form or no longer allowed: retrying cannot help
      return say(
        "failed",
        "Không lưu được: phiên đăng nhập đã hết hạn hoặc bạn không còn quyền. Hãy sao chép phần đã gõ rồi tải lại trang.",
        "Not saved: the session expired or you may no longer edit this. Copy what you typed, then reload.",
      );
    }
    say(
      "failed",
      `Không lưu được (mã ${response.status}); sẽ thử lại.`,
      `Could not save (status ${response.status}); will retry.`,
    );
    schedule();
  }

  async function save() {
    timer = null;
    if (!dirty || stopped) return;
    if (busy) return schedule();
    if (!form.elements.namedItem("title").value.trim()) {
      return say("failed", "Chưa tự động lưu: bài cần có tiêu đề.", "Not autosaved: a title is needed.");
    }
    busy = true;
    dirty = false;
    say("saving", "Đang lưu…", "Saving…");
    try {
      const response = await fetch(status.dataset.autosaveUrl, {
        method: "POST",
        body: body(),
        credentials: "same-origin",
        redirect: "manual",
        headers: { Accept: "application/json" },
      });
      const json = (response.headers.get("content-type") || "").includes("json");
      answered(response, json ? await response.json() : {});
    } catch {
      dirty = true;
      say("failed", "Mất kết nối, chưa lưu được; sẽ thử lại.", "Offline, not saved; will retry.");
      schedule();
    } finally {
      busy = false;
      if (waitingSubmit) {
        const button = waitingSubmit;
        waitingSubmit = null;
        form.requestSubmit(button);
      }
    }
  }

  function changed(event) {
    const field = event.target;
    if (!(field instanceof Element) || ignored.has(field.getAttribute("name"))) return;
    dirty = true;
    if (status.dataset.autosave !== "on") return unsaved();
    if (!stopped) schedule();
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", (event) => {
    if (busy) {  // an autosave is under way: Save goes once it has answered (its revision)
      event.preventDefault();
      waitingSubmit = event.submitter;
      return;
    }
    submitting = true;
    window.clearTimeout(timer);
    timer = null;
  });
  window.addEventListener("pagehide", () => {
    if (dirty && !stopped && !submitting && form.dataset.uid) {
      navigator.sendBeacon(status.dataset.autosaveUrl, body());
    }
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty && !submitting) event.preventDefault();
  });
  const uid = form.action.match(/\/admin\/items\/([0-9a-f-]{36})\/edit$/);
  if (uid) form.dataset.uid = uid[1];
})();
