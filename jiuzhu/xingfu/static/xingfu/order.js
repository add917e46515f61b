/* Check-in and check-out forms marked data-geolocate carry the device's position. */
document.querySelectorAll("form[data-geolocate]").forEach(function (form) {
  if (!navigator.geolocation) { return; }
  navigator.geolocation.getCurrentPosition(function (p) {
    form.latitude.value = p.coords.latitude.toFixed(6);
    form.longitude.value = p.coords.longitude.toFixed(6);
  }, function () {}, {timeout: 5000});
});
