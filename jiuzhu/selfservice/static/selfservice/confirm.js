// 资格认证: the phone's location into the form's hidden fields (the browser asks the
// resident first). Without it the form still goes: the location is optional.
document.addEventListener("DOMContentLoaded", () => {
  const status = document.querySelector("[data-testid=location-status]");
  const lat = document.querySelector('input[name="latitude"]');
  const lng = document.querySelector('input[name="longitude"]');
  const again = document.querySelector("[data-locate]");
  if (!status || !lat || !lng) return;
  const locate = () => {
    if (!navigator.geolocation) {
      status.textContent = status.dataset.denied;
      return;
    }
    status.textContent = status.dataset.locating;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        lat.value = position.coords.latitude.toFixed(6);
        lng.value = position.coords.longitude.toFixed(6);
        status.textContent = status.dataset.located;
        status.dataset.state = "located";
      },
      () => {
        status.textContent = status.dataset.denied;
        status.dataset.state = "denied";
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  };
  if (again) again.addEventListener("click", locate);
  if (lat.value && lng.value) {
    status.textContent = status.dataset.located;
    status.dataset.state = "located";
  } else {
    locate();
  }
});
