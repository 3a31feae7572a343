// The review room: keyboard, frame stepping, timeline markers, compare in sync.
// No inline script (CSP): everything is wired here from data attributes.
(function () {
  "use strict";
  var room = document.querySelector("[data-room]");
  if (!room) return;
  var pending = "request_changes";

  function $(selector) { return document.querySelector(selector); }
  function player() { return $("#player"); }
  function comparePlayer() { return $("#compare-player"); }
  function stage() { return $("#stage"); }
  function fps() { return parseFloat((stage() || {}).dataset ? stage().dataset.fps : "24") || 24; }
  function comparing() { var c = $("#compare"); return c && !c.hidden; }

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function press(key) {
    var el = document.querySelector('#stage [data-key="' + key + '"]');
    if (el && !el.disabled) el.click();
    return !!el;
  }

  function togglePlay() {
    var v = player();
    if (!v) return;
    if (v.paused) v.play(); else v.pause();
  }

  function step(frames) {
    var v = player();
    if (!v) return;
    v.pause();
    var t = Math.round(v.currentTime * fps()) + frames;
    v.currentTime = Math.max(0, Math.min(v.duration || 0, t / fps() + 0.0001));
  }

  function startReason(action) {
    pending = action;
    var select = $("#reason-code");
    if (!select) return;
    var form = $("#reason-form");
    form.dataset.pending = action;
    select.focus();
  }

  function submitReason() {
    var form = $("#reason-form");
    var button = form && form.querySelector('button[value="' + (form.dataset.pending || pending) + '"]');
    if (!button) return;
    // Leave the field first: htmx would focus the next scene's note (same id), and the
    // reviewer's next A would be typed into it instead of approving.
    document.activeElement.blur();
    button.click();  // a click, so htmx sends the button's action with the form
  }

  function startComment(at) {
    var v = player();
    var field = $("#comment-text");
    if (!v || !field) return;
    v.pause();
    var time = at === undefined ? v.currentTime : at;
    $("#comment-at").value = time.toFixed(2);
    $("#comment-at-label").value = time.toFixed(2);
    field.focus();
  }

  function toggleLoop() {
    var v = player();
    if (!v) return;
    v.loop = !v.loop;
    var c = comparePlayer();
    if (c) c.loop = v.loop;
    $("#loop-state").textContent = v.loop ? "loop on" : "loop off";
  }

  // M cycles: the second take side by side, then the cast's references, then off.
  function toggleCompare() {
    var box = $("#compare"), refs = $("#refs-compare"), state = $("#compare-state");
    if (!box && !refs) { state.textContent = "only one finished take and no references: nothing to compare"; return; }
    var v = player(), c = comparePlayer();
    if (box && box.hidden && !(refs && !refs.hidden)) {
      box.hidden = false;
      c.currentTime = v.currentTime;
      if (!v.paused) c.play();
      state.textContent = "comparing with " + box.querySelector("figcaption").textContent;
      return;
    }
    if (box && !box.hidden) { box.hidden = true; c.pause(); }
    if (refs && refs.hidden) { refs.hidden = false; state.textContent = "comparing with the cast's references"; return; }
    if (refs) refs.hidden = true;
    state.textContent = "compare off";
  }

  // One play head: the compared video follows the main one.
  function follow() {
    var v = player(), c = comparePlayer();
    if (!v || !c || !comparing()) return;
    if (Math.abs(c.currentTime - v.currentTime) > 0.05) c.currentTime = v.currentTime;
    if (v.paused && !c.paused) c.pause();
    if (!v.paused && c.paused) c.play();
  }

  function seek(at) {
    var v = player();
    if (!v) return;
    v.pause();
    v.currentTime = at;
    follow();
  }

  function duration() {
    var v = player();
    return (v && v.duration) || parseFloat(stage().dataset.duration || "0") || 0;
  }

  function placeMarkers() {
    var line = $("#timeline");
    if (!line) return;
    line.querySelectorAll(".marker").forEach(function (m) { m.remove(); });
    var total = duration();
    document.querySelectorAll("#stage .comments .seek").forEach(function (button) {
      var at = parseFloat(button.dataset.at);
      var marker = document.createElement("button");
      marker.type = "button";
      marker.className = "marker" + (button.closest(".resolved") ? " resolved" : "");
      marker.dataset.at = at;
      marker.title = "Comment at " + at.toFixed(1) + " s";
      marker.setAttribute("aria-label", marker.title);
      marker.style.left = (total ? Math.min(100, (at / total) * 100) : 0) + "%";
      line.appendChild(marker);
    });
  }

  function tick() {
    var v = player(), head = $("#playhead");
    if (v && head) {
      var total = duration();
      head.style.left = (total ? (v.currentTime / total) * 100 : 0) + "%";
      $("#timecode").value = v.currentTime.toFixed(2);
    }
    follow();
  }

  function markCurrent() {
    var s = stage();
    if (!s) return;
    document.querySelectorAll(".strip-item").forEach(function (item) {
      item.classList.toggle("current", item.dataset.scene === s.dataset.scene);
    });
  }

  function wireStage() {
    var s = stage();
    if (!s) return;
    markCurrent();
    var current = $("#batch-current");
    if (current) current.value = s.dataset.scene;
    var v = player();
    if (v && !v.dataset.wired) {
      v.dataset.wired = "1";
      ["timeupdate", "seeked", "play", "pause"].forEach(function (e) { v.addEventListener(e, tick); });
      v.addEventListener("loadedmetadata", placeMarkers);
    }
    placeMarkers();
    tick();
    s.dataset.ready = "1";
    while (queued.length && ready()) handleKey(queued.shift());
  }

  (function loop() { tick(); window.requestAnimationFrame(loop); })();

  // Keys pressed while the stage is being replaced wait for the new stage, so a fast
  // reviewer's A is applied to the scene shown next, never twice to the same take.
  var queued = [];
  function ready() { var s = stage(); return !s || s.dataset.ready === "1"; }

  function handleKey(key) {
    var help = $("#keys-help");
    if (help.open && key !== "?") return false;
    if (key === " ") togglePlay();
    else if (key === "ArrowLeft") step(-1);
    else if (key === "ArrowRight") step(1);
    else if (key === "j" || key === "k" || key === "n" || key === "a") return press(key);
    else if (key === "[" || key === "]") return press(key);  // the approved scene before / after
    else if (/^[1-9]$/.test(key)) return press(key);
    else if (key === "r") startReason("request_changes");
    else if (key === "x") startReason("reject");
    else if (key === "c") startComment();
    else if (key === "l") toggleLoop();
    else if (key === "m") toggleCompare();
    else if (key === "?") { if (help.open) help.close(); else help.showModal(); }
    else return false;
    return true;
  }
  var COMMANDS = /^([ jknarxclm?1-9\[\]]|ArrowLeft|ArrowRight)$/;

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target && target.id === "reason-note" && event.key === "Enter" && !event.shiftKey) {
      event.preventDefault(); submitReason(); return;
    }
    if (target && target.id === "comment-text" && event.key === "Enter" && !event.shiftKey) {
      event.preventDefault(); target.blur(); target.form.requestSubmit(); return;
    }
    if (event.key === "Escape" && typing(target)) { target.blur(); return; }
    if (typing(target) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (!COMMANDS.test(event.key)) return;
    event.preventDefault();
    if (!ready()) { queued.push(event.key); return; }
    handleKey(event.key);
  });

  document.addEventListener("change", function (event) {
    // A reason picked (by its first letter): the note comes next.
    if (event.target.id === "reason-code" && event.target.value) $("#reason-note").focus();
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-at], #timeline, [data-help]");
    if (!target) return;
    if (target.hasAttribute("data-help")) { $("#keys-help").showModal(); return; }
    if (target.dataset.at !== undefined) { seek(parseFloat(target.dataset.at)); return; }
    var box = target.getBoundingClientRect();
    var at = Math.max(0, Math.min(1, (event.clientX - box.left) / box.width)) * duration();
    seek(at);
    startComment(at);
  });

  // The server's own sentence (the 403 page's marked message, or a bare text answer).
  function refusalText(xhr) {
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (type.indexOf("text/html") === -1) return (xhr.responseText || "").trim().slice(0, 500);
    var doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    var marked = doc.querySelector("[data-refusal-message]");
    return marked ? marked.textContent.trim() : "";
  }

  // A refusal (4xx) that re-renders the stage is shown; any other refusal becomes a notice.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status < 400) return;
    if (xhr.status < 500 && xhr.responseText.indexOf('id="stage"') !== -1) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      return;
    }
    var s = stage();
    var note = document.createElement("p");
    note.className = "error";
    note.setAttribute("role", "alert");
    note.textContent = refusalText(xhr) || (xhr.status === 403 ? "Your role does not allow this." :
      "Refused (" + xhr.status + "): reload the page and try again.");
    if (s) s.prepend(note);
  });

  // "live" once the filmstrip sent on (re)connect arrived: until then the page may be stale.
  function live(state, text) {
    var el = $("#room-live");
    if (el) { el.dataset.live = state; el.textContent = text; }
  }
  document.body.addEventListener("htmx:wsOpen", function () { live("syncing", "syncing…"); });
  document.body.addEventListener("htmx:wsAfterMessage", function () { live("open", "live"); });
  document.body.addEventListener("htmx:wsClose", function () { live("closed", "reconnecting…"); });

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var s = stage();
    if (s && event.detail.target === s) delete s.dataset.ready;
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var s = stage();  // a refusal that swapped nothing leaves the stage usable
    if (s && s.isConnected && !event.detail.successful) s.dataset.ready = "1";
  });
  document.body.addEventListener("htmx:afterSettle", wireStage);
  document.body.addEventListener("htmx:oobAfterSwap", function () { markCurrent(); placeMarkers(); });
  wireStage();
})();
