// Refusals reach the screen: an htmx request answered 4xx/5xx still swaps in its answer
// (the partial with the message) when the element that asked is inside [data-swap-errors].
document.addEventListener("htmx:beforeSwap", (event) => {
  const asker = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (event.detail.xhr.status >= 400 && asker && asker.closest("[data-swap-errors]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
