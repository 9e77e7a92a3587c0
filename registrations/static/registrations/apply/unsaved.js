// A step's form typed into but not saved: the browser asks before the page is left (a step tab, the back
// link, closing the tab), as what is typed reaches the server only with the Save button.
const form = document.getElementById("step-form");
if (form && !form.dataset.readonly) {
  let dirty = false;
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("change", () => { dirty = true; });
  form.addEventListener("submit", () => { dirty = false; });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
}
