// Project-wide behaviour that needs no inline script (CSP-friendly).
document.body.addEventListener("htmx:responseError", function (event) {
  var box = document.getElementById("htmx-error");
  if (box) {
    box.textContent = box.dataset.message || "Error";
    box.classList.remove("d-none");
  }
});
