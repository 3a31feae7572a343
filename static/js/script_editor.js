// The script editor: a problem's "Line N" link selects that line in the script.
(function () {
  "use strict";
  document.addEventListener("click", function (evt) {
    var link = evt.target.closest && evt.target.closest("a.goto-line");
    var area = document.querySelector("textarea[name=script]");
    if (!link || !area) return;
    evt.preventDefault();
    var lines = area.value.split("\n");
    var line = Math.max(1, Math.min(parseInt(link.dataset.line, 10), lines.length));
    var start = lines.slice(0, line - 1).join("\n").length + (line > 1 ? 1 : 0);
    area.focus();
    area.setSelectionRange(start, start + lines[line - 1].length);
    var lineHeight = area.scrollHeight / Math.max(lines.length, 1);
    area.scrollTop = Math.max(0, (line - 5) * lineHeight);
  });
})();
