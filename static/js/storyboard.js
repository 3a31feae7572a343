// Shows whether the storyboard's live channel is connected (htmx ws extension events).
(function () {
  function mark(state, text) {
    var el = document.getElementById("live");
    if (el) { el.dataset.live = state; el.textContent = text; }
  }
  document.body.addEventListener("htmx:wsOpen", function () { mark("open", "live"); });
  document.body.addEventListener("htmx:wsClose", function () { mark("closed", "reconnecting…"); });
  document.body.addEventListener("htmx:wsError", function () { mark("closed", "reconnecting…"); });
})();
