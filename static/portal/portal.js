// Tell the user when an htmx request fails outright, instead of leaving the page silently unchanged.
(function () {
  function show(text) {
    var box = document.getElementById("messages");
    if (!box) return;
    var p = document.createElement("p");
    p.className = "flash error";
    p.textContent = text;
    box.replaceChildren(p);
  }
  document.addEventListener("htmx:sendError", function () { show(document.body.dataset.offlineMessage); });
  document.addEventListener("htmx:responseError", function () { show(document.body.dataset.errorMessage); });
  // Polling conditions, here rather than as hx-trigger filters ("every 30s [cond]"): htmx evaluates those as
  // JavaScript, which the Content-Security-Policy forbids (no 'unsafe-eval'; htmx runs with allowEval off).
  // data-poll-when="visible": skip the poll while the tab is hidden; "idle": also while focus is inside the
  // element (someone is filling in its form).
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    var when = elt && elt.dataset ? elt.dataset.pollWhen : null;
    var config = event.detail.requestConfig;
    // A poll is the only request htmx issues without a triggering event.
    if (!when || !config || config.triggeringEvent) return;
    var conditions = when.split(/\s+/);
    if (conditions.indexOf("visible") !== -1 && document.visibilityState !== "visible") event.preventDefault();
    if (conditions.indexOf("idle") !== -1 && elt.contains(document.activeElement) && document.activeElement !== elt) {
      event.preventDefault();
    }
  });
  // On a phone the tab bar scrolls sideways: bring the current tab into view so the user sees where they are.
  document.addEventListener("DOMContentLoaded", function () {
    var current = document.querySelector(".tabs a.active");
    if (current && current.scrollIntoView) current.scrollIntoView({ block: "nearest", inline: "center" });
  });
  // Print buttons on receipts; a plain link keeps working without script.
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-print]");
    if (target) { event.preventDefault(); window.print(); }
  });
})();
