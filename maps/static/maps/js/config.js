// What the server wrote into the page (maps/views.py): URLs, words, size classes, sectors, settings.
export const config = JSON.parse(document.getElementById("map-config").textContent);
