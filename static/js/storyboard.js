// The storyboard's behaviour in the browser: live indicator, drag and keyboard reordering,
// filters, and selection for batch actions. The server renders every card; this file only
// sends requests with htmx and re-applies view state after cards are swapped.
(function () {
  "use strict";
  var picked = new Set();
  // The card (and button) that had the focus: a swapped grid replaces the elements, so the
  // focus is put back where it was, and keyboard reordering can go on without the mouse.
  var lastFocus = null;

  function mark(state, text) {
    var el = document.getElementById("live");
    if (el) { el.dataset.live = state; el.textContent = text; }
  }
  // "live" once the board sent on (re)connect has arrived: until then the page may be stale.
  var synced = false;
  document.body.addEventListener("htmx:wsOpen", function () { synced = false; mark("syncing", "syncing…"); });
  document.body.addEventListener("htmx:wsClose", function () { mark("closed", "reconnecting…"); });
  document.body.addEventListener("htmx:wsError", function () { mark("closed", "reconnecting…"); });

  function grid() { return document.getElementById("scene-grid"); }
  function cards() { return Array.prototype.slice.call(document.querySelectorAll("#scene-grid article.card")); }

  function sendOrder(ids) {
    var el = grid();
    htmx.ajax("POST", el.dataset.reorderUrl, { target: "#scene-grid", swap: "outerHTML", values: { order: ids.join(",") } });
  }

  // Drag and drop: SortableJS moves the card in the page, then the server is told the new order.
  function enableDragging() {
    var el = grid();
    if (!el || !el.dataset.reorderUrl || el.dataset.sortable || typeof Sortable === "undefined") return;
    el.dataset.sortable = "on";
    Sortable.create(el, {
      draggable: "article.card", handle: ".drag", animation: 120,
      onEnd: function (evt) {
        if (evt.oldIndex === evt.newIndex) return;
        sendOrder(cards().map(function (card) { return card.dataset.scene; }));
      }
    });
  }

  // Keyboard: Alt+ArrowUp / Alt+ArrowDown (or Left/Right) on a focused card moves it.
  document.addEventListener("keydown", function (evt) {
    if (!evt.altKey) return;
    var card = evt.target.closest && evt.target.closest("#scene-grid article.card");
    if (!card) return;
    var up = evt.key === "ArrowUp" || evt.key === "ArrowLeft";
    var down = evt.key === "ArrowDown" || evt.key === "ArrowRight";
    if (!up && !down) return;
    var button = card.querySelector(up ? ".move-up" : ".move-down");
    if (!button) return;
    evt.preventDefault();
    // Sent directly rather than by clicking: a card just swapped in by a live push may not
    // have been processed by htmx yet, and the click would do nothing.
    htmx.ajax("POST", button.getAttribute("hx-post"), {
      target: "#scene-grid", swap: "outerHTML", values: { direction: up ? "up" : "down" }
    });
  });
  document.addEventListener("focusin", function (evt) {
    var card = evt.target.closest && evt.target.closest("#scene-grid article.card");
    if (!card) { lastFocus = null; return; }
    var control = ["move-up", "move-down", "edit"].filter(function (name) {
      return evt.target.classList.contains(name);
    })[0];
    lastFocus = { card: card.id, control: control ? "." + control : "" };
  });

  function restoreFocus() {
    var active = document.activeElement;
    if (!lastFocus || (active && active !== document.body)) return;
    var card = document.getElementById(lastFocus.card);
    var target = card && (lastFocus.control ? card.querySelector(lastFocus.control) : card);
    if (target) target.focus();
  }

  function applyFilters() {
    var status = (document.getElementById("filter-status") || {}).value || "";
    var who = (document.getElementById("filter-character") || {}).value || "";
    var provider = (document.getElementById("filter-provider") || {}).value || "";
    cards().forEach(function (card) {
      var omitted = card.classList.contains("omitted");
      var okStatus = !status || (status === "omitted" ? omitted : card.dataset.status === status && !omitted);
      var okWho = !who || (" " + (card.dataset.cast || "")).indexOf(" " + who + " ") !== -1;
      var okProvider = !provider || card.dataset.provider === provider;
      card.hidden = !(okStatus && okWho && okProvider);
    });
    // A filter covers the whole board: the chunks not loaded yet are asked for, one by one.
    var more = document.getElementById("board-more");
    if (more && (status || who || provider)) htmx.trigger(more, "loadmore");
  }

  function restorePicks() {
    cards().forEach(function (card) {
      var box = card.querySelector("input.pick");
      if (box) box.checked = picked.has(card.dataset.scene);
    });
    var known = new Set(cards().map(function (card) { return card.dataset.scene; }));
    picked.forEach(function (id) { if (!known.has(id)) picked.delete(id); });
    var label = document.getElementById("picked");
    if (label) label.textContent = picked.size + " selected";
  }

  function refresh() {
    enableDragging();
    applyFilters();
    restorePicks();
    restoreFocus();
  }

  document.addEventListener("change", function (evt) {
    if (evt.target.matches("input.pick")) {
      if (evt.target.checked) picked.add(evt.target.value); else picked.delete(evt.target.value);
      restorePicks();
    } else if (evt.target.matches("#filter-status, #filter-character, #filter-provider")) {
      applyFilters();
    }
  });

  // Batch form: sends the picked scene ids. "Generate" goes to the generation app's batch
  // URL, which answers with the total to confirm (or refuses it over budget).
  document.body.addEventListener("htmx:configRequest", function (evt) {
    if (evt.target.id !== "batch") return;
    evt.detail.parameters.scene = Array.from(picked);
    if (evt.target.batch_action.value === "generate") evt.detail.path = evt.target.dataset.generateUrl;
  });

  // A card open for editing survives pushes from other people's edits: a pushed card for it
  // is not swapped in, and a pushed grid gets the open form moved into it.
  document.body.addEventListener("htmx:oobBeforeSwap", function (evt) {
    var target = evt.detail.target;
    if (target.matches && target.matches("article.card.editing")) {
      evt.detail.shouldSwap = false;
    } else if (target.id === "scene-grid") {
      target.querySelectorAll("article.card.editing").forEach(function (open) {
        var fresh = evt.detail.fragment.querySelector("#" + open.id);
        if (fresh) fresh.replaceWith(open);
      });
    }
  });

  // A request made from a card targets the grid element of that moment; a live push may
  // have replaced it since. Its answer then goes to the grid that is on the page now.
  document.body.addEventListener("htmx:beforeSwap", function (evt) {
    var target = evt.detail.target;
    // A chunk of cards asked for before the grid was replaced belongs to the old grid.
    if (target && target.id === "board-more" && !document.body.contains(target)) {
      evt.detail.shouldSwap = false;
      return;
    }
    if (target && target.id && !document.body.contains(target)) {
      var current = document.getElementById(target.id);
      if (current) evt.detail.target = current;
    }
  });

  // A reorder elsewhere sends only the new order of scene ids: the cards loaded here are
  // moved and renumbered in place. When the loaded part of the board now starts with
  // scenes this page has not loaded, its first chunk is asked for again instead.
  function renumber(card, position) {
    var pos = card.querySelector(".pos");
    if (pos) pos.textContent = position;
    [card].concat(Array.prototype.slice.call(card.querySelectorAll("[aria-label]"))).forEach(function (el) {
      var label = el.getAttribute("aria-label");
      if (label) el.setAttribute("aria-label", label.replace(/([Ss]cene )\d+/, "$1" + position));
    });
  }

  var appliedOrder = "";
  function applyOrder() {
    var holder = document.getElementById("board-order");
    var el = grid();
    if (!holder || !el || !holder.dataset.order || holder.dataset.order === appliedOrder) return;
    appliedOrder = holder.dataset.order;
    var ids = appliedOrder.split(",");
    var loaded = cards();
    var byId = {};
    loaded.forEach(function (card) { byId[card.dataset.scene] = card; });
    var shown = ids.slice(0, loaded.length);
    if (shown.some(function (id) { return !byId[id]; })) {
      htmx.ajax("GET", el.dataset.cardsUrl + "?start=0", { target: "#scene-grid", swap: "innerHTML" });
      return;
    }
    var marker = document.getElementById("board-more");
    var inPlace = loaded.every(function (card, index) { return card.dataset.scene === shown[index]; });
    shown.forEach(function (id, index) {
      if (!inPlace) el.insertBefore(byId[id], marker && marker.parentNode === el ? marker : null);
      renumber(byId[id], index + 1);
    });
  }

  document.body.addEventListener("htmx:afterSettle", refresh);
  document.body.addEventListener("htmx:oobAfterSwap", function () { applyOrder(); refresh(); });
  document.body.addEventListener("htmx:wsAfterMessage", function () {
    applyOrder();
    refresh();
    if (!synced) { synced = true; mark("open", "live"); }
  });
  document.addEventListener("DOMContentLoaded", refresh);
})();
