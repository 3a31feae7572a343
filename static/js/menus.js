// Top-bar menus (<details data-menu>): one open at a time; a click elsewhere or Escape closes them.
(function () {
  "use strict";
  function menus() { return document.querySelectorAll("details[data-menu]"); }
  document.addEventListener("toggle", function (event) {
    var opened = event.target;
    if (!opened.matches || !opened.matches("details[data-menu]") || !opened.open) return;
    menus().forEach(function (menu) { if (menu !== opened) menu.open = false; });
  }, true);
  document.addEventListener("click", function (event) {
    menus().forEach(function (menu) { if (!menu.contains(event.target)) menu.open = false; });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") menus().forEach(function (menu) { menu.open = false; });
  });
})();
