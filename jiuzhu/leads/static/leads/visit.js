/* The visit form: the outcome's extra fields, and the locate button (its messages in the
   button's data-unsupported and data-failed). */
(function () {
  // The department only for "referred", the application number only for "applied".
  function toggle() {
    var checked = document.querySelector('input[name="outcome"]:checked');
    document.querySelectorAll("[data-when]").forEach(function (box) {
      var invalid = box.querySelector(".is-invalid");
      box.hidden = !invalid && !(checked && checked.value === box.dataset.when);
    });
  }
  document.querySelectorAll('input[name="outcome"]').forEach(function (r) { r.addEventListener("change", toggle); });
  toggle();
  var button = document.getElementById("locate");
  if (!button) return;
  button.addEventListener("click", function () {
    var shown = document.getElementById("located");
    if (!navigator.geolocation) { shown.textContent = button.dataset.unsupported; return; }
    navigator.geolocation.getCurrentPosition(function (p) {
      document.getElementById("id_latitude").value = p.coords.latitude.toFixed(6);
      document.getElementById("id_longitude").value = p.coords.longitude.toFixed(6);
      shown.textContent = p.coords.latitude.toFixed(6) + ", " + p.coords.longitude.toFixed(6);
    }, function () { shown.textContent = button.dataset.failed; });
  });
})();
