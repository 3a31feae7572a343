// Every refused htmx request says why on screen: the server's message goes next to the
// control the user used (its card, form or panel), or into the page's message area.
(function () {
  "use strict";
  var FALLBACK = {
    400: "The request was not accepted: check the form.",
    403: "You may not do this.",
    404: "Not found: it may have been removed, or you no longer have access.",
    409: "Refused: the state changed. Reload and try again.",
    500: "Something went wrong on the server; nothing was changed."
  };

  function messageOf(xhr) {
    var type = xhr.getResponseHeader("Content-Type") || "";
    var text = xhr.responseText || "";
    if (type.indexOf("text/html") === -1) return text.trim().slice(0, 500);
    var doc = new DOMParser().parseFromString(text, "text/html");
    var marked = doc.querySelector("[data-refusal-message]") || doc.querySelector(".errorlist");
    if (marked) return marked.textContent.trim();
    // A bare sentence sent as text/html (HttpResponse("…", status=409)).
    if (doc.body && doc.body.children.length === 0) return doc.body.textContent.trim().slice(0, 500);
    return "";
  }

  // The refusal shown in each box that has an id (a scene card): a live push may replace the
  // box a moment later (the socket's snapshot, another change to the scene), and the new box
  // shows the refusal again until a request from it succeeds.
  var kept = {};

  function boxOf(elt) {
    return elt && elt.closest && elt.closest("article.card, form, .panel, [data-refusal-box]");
  }

  function placeFor(elt) {
    var box = boxOf(elt);
    if (!box) return document.getElementById("messages");
    var slot = box.querySelector(":scope > .refusal");
    if (!slot) {
      slot = document.createElement("p");
      slot.className = "refusal";
      slot.setAttribute("role", "alert");
      box.appendChild(slot);
    }
    return slot;
  }

  function show(elt, text) {
    var box = boxOf(elt);
    if (box && box.id) kept[box.id] = text;
    var place = placeFor(elt);
    if (!place) { window.alert(text); return; }
    if (place.tagName === "UL") {
      var item = document.createElement("li");
      item.className = "error";
      item.setAttribute("role", "alert");
      item.textContent = text;
      place.appendChild(item);
    } else {
      place.textContent = text;
    }
  }

  document.addEventListener("htmx:responseError", function (evt) {
    var xhr = evt.detail.xhr;
    var text = messageOf(xhr) || FALLBACK[xhr.status] || ("Refused (" + xhr.status + ").");
    show(evt.detail.elt, text);
  });
  document.addEventListener("htmx:sendError", function (evt) {
    show(evt.detail.elt, "The server could not be reached: nothing was changed. Try again.");
  });
  // A request that succeeds clears the refusal shown for its box.
  document.addEventListener("htmx:afterRequest", function (evt) {
    if (!evt.detail.successful) return;
    var box = boxOf(evt.detail.elt);
    if (box && box.id) delete kept[box.id];
    var slot = box && box.querySelector(":scope > .refusal");
    if (slot) slot.remove();
  });
  // New content from htmx (a swap, an OOB push over the socket): a box that had a refusal
  // shows it again.
  document.addEventListener("htmx:load", function (evt) {
    var root = evt.detail.elt;
    if (!root || !root.querySelectorAll) return;
    var boxes = [root].concat(Array.prototype.slice.call(root.querySelectorAll("[id]")));
    boxes.forEach(function (box) {
      if (!box.id || !(box.id in kept) || boxOf(box) !== box) return;
      if (box.querySelector(":scope > .refusal")) return;
      placeFor(box).textContent = kept[box.id];
    });
  });
})();
