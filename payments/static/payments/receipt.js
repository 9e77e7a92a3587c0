// The receipt page's "Print" button: the browser's own print, which the page's print CSS lays out.
const button = document.getElementById("receipt-print");
if (button) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
