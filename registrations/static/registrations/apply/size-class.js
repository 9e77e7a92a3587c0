// The size class as the applicant types the investment and the workers, with the rule that placed it
// there. The server computes it (industries.size_class.classify_size); this only asks, after a pause in
// typing, and shows the answer.
const config = JSON.parse(document.getElementById("apply-size-config").textContent);
const form = document.getElementById("step-form");
const label = document.getElementById("size-class-label");
const rule = document.getElementById("size-class-rule");
const PAUSE_MS = 300;

let timer = null;
let controller = null;

const update = async () => {
  const params = new URLSearchParams({ kind: form.dataset.kind, family_based: form.dataset.familyBased });
  for (const input of form.querySelectorAll("[data-size-input]")) params.set(input.name, input.value);
  if (controller) controller.abort();
  controller = new AbortController();
  try {
    const response = await fetch(`${config.url}?${params}`, {
      signal: controller.signal,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) return;
    const data = await response.json();
    label.textContent = data.label || "—";
    rule.textContent = data.rule;
    form.dataset.sizeClass = data.size_class || "";
  } catch (error) {
    if (error.name !== "AbortError") throw error;
  }
};

form.addEventListener("input", (event) => {
  if (!event.target.matches("[data-size-input]")) return;
  clearTimeout(timer);
  timer = setTimeout(update, PAUSE_MS);
});
