// The review room plays a scene with its voiced dialogue: the dialogue track (an <audio>
// beside the take's <video>) follows the video's play, pause, seek and speed.
// No inline script (CSP): wired here by data attributes, again after every htmx swap.
(function () {
  "use strict";

  function pairs() {
    var out = [];
    document.querySelectorAll("audio[data-dialogue-for]").forEach(function (audio) {
      var video = document.getElementById(audio.dataset.dialogueFor);
      if (video) out.push([video, audio]);
    });
    return out;
  }

  function follow(video, audio) {
    if (Math.abs(audio.currentTime - video.currentTime) > 0.08) audio.currentTime = video.currentTime;
    audio.playbackRate = video.playbackRate;
    if (video.paused) audio.pause();
    else audio.play().catch(function () {});
  }

  ["play", "pause", "seeked", "ratechange", "ended"].forEach(function (name) {
    // Media events do not bubble: listen in the capture phase, so swapped stages need no rewiring.
    document.addEventListener(name, function (event) {
      pairs().forEach(function (pair) { if (pair[0] === event.target) follow(pair[0], pair[1]); });
    }, true);
  });

  document.addEventListener("loadedmetadata", function (event) {
    var audio = event.target;
    if (!audio.dataset || !audio.dataset.dialogueFor) return;
    var note = document.getElementById("scene-dialogue-note");
    if (note && audio.duration > 0) note.hidden = false;
  }, true);
})();
