// The asset step's map: the place the reporter marked (red), and the assets near it from
// the journey's JSON endpoint (blue). Clicking one ticks its radio in the list, which stays
// the way to choose without a map or a mouse; the chosen one turns green.
import { circleMarker, map as createMap, tileLayer } from "../vendor/leaflet/leaflet-src.esm.js";

const MARKED = { radius: 9, color: "#d4351c", fillColor: "#d4351c", fillOpacity: 0.5, interactive: false };
const ASSET = { radius: 7, color: "#0b0c0c", weight: 1, fillColor: "#1d70b8", fillOpacity: 0.9 };
const CHOSEN = { radius: 10, fillColor: "#00703c" };

for (const box of document.querySelectorAll(".th-asset-map")) {
  const settings = box.dataset;
  const marked = [Number(settings.latitude), Number(settings.longitude)];
  const radios = [...document.getElementsByName(settings.inputName)];
  box.hidden = false;
  const map = createMap(box.querySelector(".th-location-map__map")).setView(marked, Number(settings.zoom));
  if (settings.tiles) {
    tileLayer(settings.tiles, { attribution: settings.attribution, maxZoom: 19 }).addTo(map);
  }
  circleMarker(marked, MARKED).addTo(map);

  const markers = new Map();
  const showChoice = () => {
    for (const [id, marker] of markers) {
      const chosen = radios.some((radio) => radio.checked && radio.value === id);
      marker.setStyle(chosen ? { ...ASSET, ...CHOSEN } : ASSET);
    }
  };
  radios.forEach((radio) => radio.addEventListener("change", showChoice));

  fetch(settings.assets, { headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : { assets: [] }))
    .then(({ assets }) => {
      for (const asset of assets) {
        const id = String(asset.id);
        const marker = circleMarker([asset.latitude, asset.longitude], ASSET).addTo(map);
        marker.bindTooltip(asset.asset_id);
        marker.on("click", () => {
          const radio = radios.find((candidate) => candidate.value === id);
          if (radio) {
            radio.checked = true;
            radio.focus();
            showChoice();
          }
        });
        markers.set(id, marker);
      }
      showChoice();
    });
}
