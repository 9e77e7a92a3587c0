// The inspection form's point from the phone's GPS: a button fills the latitude and longitude fields, which
// stay editable. The button shows only where the browser can locate (a secure page: HTTPS or localhost);
// its messages come translated in data- attributes.

const OPTIONS = { enableHighAccuracy: true, timeout: 30000, maximumAge: 0 };

function say(button, key, values = {}) {
  const status = document.getElementById(button.dataset.status);
  if (!status) return;
  let text = button.dataset[key] || "";
  for (const [name, value] of Object.entries(values)) text = text.replace(`{${name}}`, value);
  status.textContent = text;
}

export function attach(button) {
  const latitude = document.getElementById(button.dataset.latitude);
  const longitude = document.getElementById(button.dataset.longitude);
  if (!latitude || !longitude) return;
  if (!("geolocation" in navigator) || !window.isSecureContext) {
    say(button, "unavailable");
    return;
  }
  button.hidden = false;
  button.addEventListener("click", () => {
    button.disabled = true;
    say(button, "waiting");
    navigator.geolocation.getCurrentPosition(
      (position) => {
        latitude.value = position.coords.latitude.toFixed(6);
        longitude.value = position.coords.longitude.toFixed(6);
        say(button, "found", { metres: Math.round(position.coords.accuracy) });
        button.disabled = false;
      },
      () => {
        say(button, "denied");
        button.disabled = false;
      },
      OPTIONS,
    );
  });
}

document.querySelectorAll("[data-geolocate]").forEach(attach);
