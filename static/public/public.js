// Public pages: small conveniences on top of pages that work without JavaScript.
(function () {
  // "Use my location": fills latitude and longitude from the phone's GPS (shown only when the browser can).
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-locate]");
    if (!button || !navigator.geolocation) return;
    button.closest(".locate").hidden = false;
    var status = document.querySelector("[data-locate-status]");
    button.addEventListener("click", function () {
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        document.getElementById("id_latitude").value = position.coords.latitude.toFixed(6);
        document.getElementById("id_longitude").value = position.coords.longitude.toFixed(6);
        button.disabled = false;
        if (status) status.textContent = "";
      }, function () {
        button.disabled = false;
        if (status) status.textContent = button.dataset.denied;
      }, { enableHighAccuracy: true, timeout: 15000 });
    });
  });
  // Print buttons on the receipt; the link does nothing harmful without script.
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-print]");
    if (target) { event.preventDefault(); window.print(); }
  });
})();
