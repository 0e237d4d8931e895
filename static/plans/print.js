// "Print" buttons: the browser's print dialog, with static/css/print.css applied.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print-page]")) {
    window.print();
  }
});
