// The storyboard's Cards / List switch: a class on #board (which live pushes never
// replace), remembered per browser.
(function () {
  "use strict";
  var KEY = "comicstudio.boardView";
  function apply(view) {
    var board = document.getElementById("board");
    if (!board) return;
    board.classList.toggle("list-view", view === "list");
    document.querySelectorAll("[data-board-view]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.boardView === view));
    });
  }
  document.addEventListener("click", function (evt) {
    var button = evt.target.closest && evt.target.closest("[data-board-view]");
    if (!button) return;
    var view = button.dataset.boardView;
    try { window.localStorage.setItem(KEY, view); } catch (e) { /* private mode: not remembered */ }
    apply(view);
  });
  document.addEventListener("DOMContentLoaded", function () {
    var saved = null;
    try { saved = window.localStorage.getItem(KEY); } catch (e) { saved = null; }
    apply(saved === "list" ? "list" : "grid");
  });
})();
