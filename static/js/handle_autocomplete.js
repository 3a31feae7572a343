// @handle autocomplete in the script editor. The server answers with visible characters
// only (characters:autocomplete); htmx swaps the suggestion list in.
(function () {
  "use strict";

  function prefixAtCaret(area) {
    const before = area.value.slice(0, area.selectionStart);
    const match = before.match(/(^|[^\w@])@([a-z0-9_]{1,30})$/);
    return match ? match[2] : "";
  }

  function hide() {
    const list = document.getElementById("handle-suggestions");
    if (list) list.hidden = true;
  }

  function insert(area, handle) {
    const caret = area.selectionStart;
    const prefix = prefixAtCaret(area);
    const start = caret - prefix.length;
    area.value = area.value.slice(0, start) + handle + " " + area.value.slice(caret);
    area.selectionStart = area.selectionEnd = start + handle.length + 1;
    area.focus();
    hide();
  }

  function setUp(box) {
    const area = box.querySelector("textarea");
    const url = box.dataset.autocompleteUrl;
    let timer = null;
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        const prefix = prefixAtCaret(area);
        if (!prefix) return hide();
        htmx.ajax("GET", url + "?q=" + encodeURIComponent(prefix), {
          target: "#handle-suggestions",
          swap: "outerHTML",
        });
      }, 150);
    });
    box.addEventListener("click", function (event) {
      const choice = event.target.closest(".suggestion");
      if (choice) insert(area, choice.dataset.handle);
    });
    area.addEventListener("keydown", function (event) {
      if (event.key === "Escape") hide();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-autocomplete-url]").forEach(setUp);
  });
})();
