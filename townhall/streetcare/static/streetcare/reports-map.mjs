// Draws the reports the list shows (same filters) on a Leaflet map, each marker linking to
// its report. The list below works without this script; the map only enhances it.
import { geoJSON, map as createMap, marker as createMarker, tileLayer } from "../vendor/leaflet/leaflet-src.esm.js";

const box = document.querySelector(".th-reports-map");

if (box) {
  const settings = box.dataset;
  box.hidden = false;
  const map = createMap(box.querySelector(".th-location-map__map")).setView(
    [Number(settings.latitude), Number(settings.longitude)],
    Number(settings.zoom),
  );
  if (settings.tiles) {
    tileLayer(settings.tiles, { attribution: settings.attribution, maxZoom: 19 }).addTo(map);
  }

  const link = (feature) => {
    const { title, category, status, url } = feature.properties;
    const anchor = document.createElement("a");
    anchor.className = "govuk-link";
    anchor.href = url;
    anchor.textContent = title;
    const about = document.createElement("span");
    about.className = "govuk-body-s govuk-!-display-block govuk-!-margin-0";
    about.textContent = `${category}: ${status}`;
    const popup = document.createElement("div");
    popup.append(anchor, about);
    return popup;
  };

  // Only the filters: the page number belongs to the list.
  const query = new URLSearchParams(window.location.search);
  query.delete("page");
  fetch(`${settings.source}?${query}`, { headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
    .then((reports) => {
      const layer = geoJSON(reports, {
        pointToLayer: (feature, point) =>
          createMarker(point, { title: feature.properties.title, alt: feature.properties.title }),
        onEachFeature: (feature, marker) => marker.bindPopup(link(feature)),
      }).addTo(map);
      if (reports.features.length) {
        map.fitBounds(layer.getBounds(), { maxZoom: 17, padding: [20, 20] });
      }
      box.querySelector(".th-reports-map__more").hidden = !reports.truncated;
      box.dataset.loaded = String(reports.features.length);
    })
    .catch(() => {
      box.hidden = true; // the list still shows every report
    });
}
