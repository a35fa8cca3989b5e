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
