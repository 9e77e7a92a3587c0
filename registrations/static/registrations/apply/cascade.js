// Division → district → upazila: each choice fills the next select from /apply/places/ (names in the page's
// language), and a chosen district's boundary is handed to the map. Without JavaScript the form's own
// "show the districts" button does the same through the server.
const root = document.querySelector(".cascade");

if (root) {
  const url = root.dataset.placesUrl;
  const division = root.querySelector("select[name=stated_division]");
  const district = root.querySelector("select[name=stated_district]");
  const upazila = root.querySelector("select[name=stated_upazila]");
  const emptyLabel = division.options[0] ? division.options[0].textContent : "—";
  let asked = 0; // only the answer to the latest choice is used

  const fallback = root.querySelectorAll(".no-js");
  fallback.forEach((element) => {
    element.hidden = true;
  });

  // Offline or the server busy: give back the form's own way (the server fills the selects).
  const failed = () =>
    fallback.forEach((element) => {
      element.hidden = false;
    });

  const load = async (params) => {
    const response = await fetch(`${url}?${new URLSearchParams(params)}`, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    return response.json();
  };

  const fill = (select, rows) => {
    select.replaceChildren(new Option(emptyLabel, ""), ...rows.map((row) => new Option(row.name, row.id)));
  };

  const announce = (boundary) => {
    document.dispatchEvent(new CustomEvent("apply:district-boundary", { detail: boundary }));
  };

  if (!division.disabled) {
    division.addEventListener("change", async () => {
      const ticket = ++asked;
      fill(district, []);
      fill(upazila, []);
      announce(null);
      if (!division.value) return;
      const data = await load({ division: division.value }).catch(failed);
      if (data && ticket === asked) fill(district, data.districts);
    });

    district.addEventListener("change", async () => {
      const ticket = ++asked;
      fill(upazila, []);
      if (!district.value) {
        announce(null);
        return;
      }
      const data = await load({ district: district.value }).catch(failed);
      if (!data || ticket !== asked) return;
      fill(upazila, data.upazilas);
      announce(data.boundary);
    });
  }
}
