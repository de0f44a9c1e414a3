// Marks a location question's point on a Leaflet map, filling in its latitude and
// longitude fields. The fields and the street search work without this script.
// A `.th-location-map--point` box only shows its own point (a case's place, for staff).
import { map as createMap, marker as createMarker, tileLayer } from "../vendor/leaflet/leaflet-src.esm.js";

for (const box of document.querySelectorAll(".th-location-map--point")) {
  const settings = box.dataset;
  const point = [Number(settings.latitude), Number(settings.longitude)];
  box.hidden = false;
  const map = createMap(box.querySelector(".th-location-map__map")).setView(point, Number(settings.zoom));
  if (settings.tiles) {
    tileLayer(settings.tiles, { attribution: settings.attribution, maxZoom: 19 }).addTo(map);
  }
  createMarker(point, { keyboard: false }).addTo(map);
}

for (const box of document.querySelectorAll(".th-location-map:not(.th-location-map--point)")) {
  const settings = box.dataset;
  const latitude = document.getElementById(settings.latitudeInput);
  const longitude = document.getElementById(settings.longitudeInput);
  if (!latitude || !longitude) continue;
  box.hidden = false;

  const given = latitude.value && longitude.value;
  const start = given
    ? [Number(latitude.value), Number(longitude.value)]
    : [Number(settings.latitude), Number(settings.longitude)];
  const map = createMap(box.querySelector(".th-location-map__map")).setView(start, Number(settings.zoom));
  if (settings.tiles) {
    tileLayer(settings.tiles, { attribution: settings.attribution, maxZoom: 19 }).addTo(map);
  }
  let pin = given ? createMarker(start).addTo(map) : null;

  const mark = (point) => {
    latitude.value = point.lat.toFixed(6);
    longitude.value = point.lng.toFixed(6);
    if (pin) pin.setLatLng(point);
    else pin = createMarker(point).addTo(map);
    latitude.closest("details")?.setAttribute("open", "");
  };
  map.on("click", (event) => mark(event.latlng));

  const locate = box.querySelector(".th-location-map__locate");
  if ("geolocation" in navigator) {
    locate.addEventListener("click", () =>
      navigator.geolocation.getCurrentPosition((position) => {
        const point = { lat: position.coords.latitude, lng: position.coords.longitude };
        map.setView(point, 17);
        mark(point);
      }),
    );
  } else {
    locate.hidden = true;
  }
}
