// A file over the size limit is refused in the phone before it is sent, which saves the applicant's mobile
// data; the server checks again (registrations.uploads). The limit comes from the settings.
const config = JSON.parse(document.getElementById("apply-upload-config").textContent);
const BANGLA_DIGITS = "০১২৩৪৫৬৭৮৯";
const megabytes = (bytes) => {
  const text = (bytes / (1024 * 1024)).toFixed(1);
  return config.banglaDigits ? text.replace(/[0-9]/g, (d) => BANGLA_DIGITS[Number(d)]) : text;
};

for (const input of document.querySelectorAll("input[type=file][data-max-upload]")) {
  input.addEventListener("change", () => {
    const file = input.files[0];
    const field = input.closest(".field");
    let note = field.querySelector(".upload-too-large");
    if (note) note.remove();
    if (file && file.size > config.maxBytes) {
      note = document.createElement("p");
      note.className = "errorlist upload-too-large";
      note.setAttribute("role", "alert");
      note.textContent = config.tooLarge.replace("{size}", megabytes(file.size));
      field.append(note);
      input.value = "";
    }
  });
}
