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

// --- The body's rich-text editor (compose screen) -------------------------------------------
// Squire (admin/static/vendor/squire.js) edits a <div> put in place of the textarea marked
// data-richtext; the textarea stays in the form, hidden, and holds the editor's HTML, so the
// form posts the same field with or without JavaScript. What is pasted or dropped goes through
// DOMPurify with the API's allowlist (core/content/validation.py, minus images and tables) and
// no style attribute; the server sanitises again on save. The toolbar offers only what that
// allowlist keeps.
const KEPT_TAGS = ["a", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "i", "li",
  "ol", "p", "pre", "s", "strong", "sub", "sup", "u", "ul"];
const KEPT_URL = /^(?:https?:|mailto:)/i;

// Markup with a style attribute, a <style> element or an event handler attribute (onerror=…)
// is reported as a CSP violation (style-src and script-src 'self') as soon as it is parsed,
// even into an inert document, and what is copied from Word or a website is full of them.
// None would be kept, so they are taken out of the text before DOMPurify parses it: a <style>
// element whole, an attribute renamed (data-dropped-…, which DOMPurify then drops). This only
// keeps the console quiet; DOMPurify here and nh3 on the server still do the sanitising.
const STYLE_ELEMENT = /<style\b[^>]*>[\s\S]*?<\/style\s*>/gi;
const INLINE_ATTRIBUTE = /(<[a-z][^>]*?\s)(style|on[a-z]+)(\s*=)/gi;

function withoutInlineCode(html) {
  let out = html.replace(STYLE_ELEMENT, "");
  for (let before = ""; before !== out;) {
    before = out;
    out = out.replace(INLINE_ATTRIBUTE, "$1data-dropped-$2$3");
  }
  return out;
}

function cleanFragment(html) {
  const fragment = window.DOMPurify.sanitize(withoutInlineCode(html), {
    ALLOWED_TAGS: KEPT_TAGS,
    ALLOWED_ATTR: ["href", "title"],
    ALLOWED_URI_REGEXP: KEPT_URL,
    RETURN_DOM_FRAGMENT: true,
  });
  return document.importNode(fragment, true);
}

const TOOLS = [
  // [name, visible text, Vietnamese label, English label, shortcut hint]
  ["bold", "B", "In đậm", "Bold", "Ctrl+B"],
  ["italic", "I", "In nghiêng", "Italic", "Ctrl+I"],
  ["h2", "H2", "Tiêu đề mục", "Heading", ""],
  ["h3", "H3", "Tiêu đề nhỏ", "Subheading", ""],
  ["ul", "• —", "Danh sách chấm", "Bulleted list", "Ctrl+Shift+8"],
  ["ol", "1. —", "Danh sách số", "Numbered list", "Ctrl+Shift+9"],
  ["quote", "❝", "Trích dẫn", "Quote", "Ctrl+]"],
  ["link", "Liên kết", "Liên kết", "Link", "Ctrl+K"],
];

function setBlock(editor, tag) {
  // Turn each selected paragraph into the heading, or back into a paragraph when all are it.
  let all = true;
  editor.forEachBlock((block) => { all = all && block.nodeName === tag; }, false);
  const want = all ? "P" : tag;
  editor.modifyBlocks((fragment) => {
    fragment.querySelectorAll("p, h2, h3, h4").forEach((block) => {
      const next = document.createElement(want);
      next.append(...block.childNodes);
      block.replaceWith(next);
    });
    return fragment;
  });
}

function buildToolbar(editor, linkForm) {
  const bar = document.createElement("div");
  bar.className = "toolbar";
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", "Định dạng nội dung / Body formatting");
  bar.setAttribute("aria-controls", "body-editor");
  const actions = {
    bold: () => (editor.hasFormat("B") ? editor.removeBold() : editor.bold()),
    italic: () => (editor.hasFormat("I") ? editor.removeItalic() : editor.italic()),
    h2: () => setBlock(editor, "H2"),
    h3: () => setBlock(editor, "H3"),
    ul: () => (editor.hasFormat("UL") ? editor.removeList() : editor.makeUnorderedList()),
    ol: () => (editor.hasFormat("OL") ? editor.removeList() : editor.makeOrderedList()),
    quote: () => (editor.hasFormat("BLOCKQUOTE")
      ? editor.decreaseQuoteLevel() : editor.increaseQuoteLevel()),
    link: () => linkForm.open(),
  };
  for (const [name, shown, vi, en, keys] of TOOLS) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = `tool tool-${name}`;
    button.dataset.tool = name;
    button.textContent = shown;
    // A name that starts with the letters the button shows (WCAG 2.5.3 label in name).
    const spoken = /[\p{L}\p{N}]/u.test(shown) && !vi.includes(shown) ? `${shown}: ` : "";
    button.setAttribute("aria-label", `${spoken}${vi} / ${en}`);
    button.title = keys ? `${vi} / ${en} (${keys})` : `${vi} / ${en}`;
    if (name === "bold" || name === "italic" || name === "ul" || name === "ol") {
      button.setAttribute("aria-pressed", "false");
    }
    button.addEventListener("click", () => {
      actions[name]();
      if (name !== "link") editor.focus();
    });
    bar.append(button);
  }
  bar.addEventListener("keydown", (event) => {
    // Arrow keys, Home and End move along the toolbar (Tab still reaches every button).
    const buttons = [...bar.querySelectorAll("button")];
    const at = buttons.indexOf(document.activeElement);
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (at < 0 || to === undefined) return;
    event.preventDefault();
    buttons[(to + buttons.length) % buttons.length].focus();
  });
  const formats = { bold: "B", italic: "I", ul: "UL", ol: "OL" };
  editor.addEventListener("pathChange", () => {
    for (const [name, tag] of Object.entries(formats)) {
      const button = bar.querySelector(`[data-tool=${name}]`);
      button.setAttribute("aria-pressed", String(editor.hasFormat(tag)));
    }
  });
  return bar;
}

function buildLinkForm(editor) {
  // A small form under the toolbar (not window.prompt): a labelled URL field, Add and Unlink.
  const box = document.createElement("div");
  box.className = "link-form";
  box.hidden = true;
  box.innerHTML = '<label for="link-url">Địa chỉ liên kết <span class="en">/ Link address</span></label>'
    + '<input type="url" id="link-url" placeholder="https://">'
    + '<button type="button" data-link="add">Gắn liên kết <span class="en">/ Add link</span></button>'
    + '<button type="button" data-link="remove">Bỏ liên kết <span class="en">/ Remove link</span></button>'
    + '<button type="button" data-link="cancel">Đóng <span class="en">/ Close</span></button>'
    + '<p class="field-error" id="link-error" hidden>Chỉ nhận http(s):// hoặc mailto:. '
    + '<span class="en">/ Only http(s):// or mailto: links.</span></p>';
  const input = box.querySelector("input");
  const error = box.querySelector("#link-error");
  let range = null;
  const close = () => {
    box.hidden = true;
    error.hidden = true;
    if (range) editor.setSelection(range);
    editor.focus();
  };
  box.open = () => {
    range = editor.getSelection();
    box.hidden = false;
    input.value = "";
    input.focus();
  };
  const add = () => {
    const url = input.value.trim();
    if (!KEPT_URL.test(url)) {
      error.hidden = false;
      input.setAttribute("aria-describedby", "link-error");
      input.focus();
      return;
    }
    editor.setSelection(range);
    editor.makeLink(url);
    range = null;
    close();
  };
  box.addEventListener("click", (event) => {
    const which = event.target.closest("[data-link]")?.dataset.link;
    if (which === "add") add();
    if (which === "remove") { editor.setSelection(range); editor.removeLink(); range = null; close(); }
    if (which === "cancel") close();
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); add(); }
    if (event.key === "Escape") { event.preventDefault(); close(); }
  });
  return box;
}

function startEditor(area) {
  const root = document.createElement("div");
  root.id = "body-editor";
  root.className = "editor";
  root.setAttribute("role", "textbox");
  root.setAttribute("aria-multiline", "true");
  const label = document.querySelector(`label[for="${area.id}"]`);
  if (label) {
    label.id = label.id || `${area.id}-label`;
    root.setAttribute("aria-labelledby", label.id);
    label.addEventListener("click", () => editor.focus());
  }
  if (area.getAttribute("aria-describedby")) {
    root.setAttribute("aria-describedby", area.getAttribute("aria-describedby"));
  }
  const editor = new window.Squire(root, { blockTag: "P", sanitizeToDOMFragment: cleanFragment });
  editor.setHTML(area.value);
  const linkForm = buildLinkForm(editor);
  const wrap = document.createElement("div");
  wrap.className = "richtext";
  wrap.append(buildToolbar(editor, linkForm), linkForm, root);
  area.before(wrap);
  area.hidden = true;
  editor.setKeyHandler("Ctrl-k", (_self, event) => { event.preventDefault(); linkForm.open(); });
  editor.setKeyHandler("Meta-k", (_self, event) => { event.preventDefault(); linkForm.open(); });
  const sync = () => {
    area.value = editor.getHTML();
    area.dispatchEvent(new Event("input", { bubbles: true }));
  };
  editor.addEventListener("input", sync);
  area.form?.addEventListener("submit", () => { area.value = editor.getHTML(); });
  area.richEditor = editor;
}

// --- Moderation as you type: the body's matches highlighted in the editor -------------------
// The server's findings (desk/moderation_live.html) name each match as written; the body is
// judged as plain text with runs of spaces as one space, so the editor's text is read the same
// way and every occurrence is marked with the CSS Custom Highlight API (no change to the text,
// nothing in the undo history, no inline style). Browsers without it keep the panel's list.
function textIndex(root) {
  let text = "";
  const at = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i += 1) {
      const space = /\s/.test(node.data[i]);
      if (space && text.endsWith(" ")) continue;
      text += space ? " " : node.data[i];
      at.push([node, i]);
    }
  }
  return { text, at };
}

function highlightFindings() {
  const area = document.querySelector("textarea[data-richtext]");
  const editor = area?.richEditor;
  if (!editor || !window.CSS?.highlights || typeof Highlight === "undefined") return;
  const { text, at } = textIndex(editor.getRoot());
  const marks = { block: new Highlight(), review: new Highlight() };
  document.querySelectorAll("#live-body [data-written]").forEach((item) => {
    const written = item.dataset.written.replace(/\s+/g, " ");
    const marked = marks[item.dataset.outcome] || marks.review;
    for (let i = text.indexOf(written); written && i >= 0; i = text.indexOf(written, i + 1)) {
      const range = document.createRange();
      const [first, from] = at[i];
      const [last, to] = at[i + written.length - 1];
      range.setStart(first, from);
      range.setEnd(last, to + 1);
      marked.add(range);
    }
  });
  CSS.highlights.set("loa-moderation-block", marks.block);
  CSS.highlights.set("loa-moderation-review", marks.review);
}

document.addEventListener("htmx:beforeSwap", (event) => {
  // The moderation panel shows its refusals (too long, too many checks, signed out) in place.
  if (event.detail.target?.id === "moderation-live" && event.detail.xhr.status >= 400) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail.target?.id === "moderation-live") highlightFindings();
});

if (window.Squire && window.DOMPurify) {
  document.querySelectorAll("textarea[data-richtext]").forEach(startEditor);
}
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
