// "My actions": the "Undo" button of a freshly ticked action stays for a few seconds only,
// then gives way to the ordinary "Reopen" button (drawn hidden by _action_row.html).
(function () {
  function armUndo(root) {
    root.querySelectorAll("[data-undo-seconds]").forEach(function (form) {
      if (form.dataset.armed) return;
      form.dataset.armed = "1";
      var seconds = parseInt(form.dataset.undoSeconds, 10) || 8;
      window.setTimeout(function () {
        if (!form.isConnected) return;
        var row = form.closest(".action-row");
        var reopen = row && row.querySelector(".reopen-form");
        if (reopen) reopen.hidden = false;
        form.remove();
      }, seconds * 1000);
    });
  }
  document.body.addEventListener("htmx:load", function (event) { armUndo(event.target); });
  armUndo(document);
})();
