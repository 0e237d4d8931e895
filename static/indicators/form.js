// The indicator form shows the fields of the chosen kind only (indicators/forms.py, SHOWN_FOR);
// without this script every field shows, so the form still works.
(function () {
  "use strict";
  var form = document.querySelector("form[data-indicator-form]");
  if (!form) { return; }
  var kind = form.querySelector("[name=kind]");
  var mode = form.querySelector("[name=qualitative_mode]");

  function update() {
    var chosen = [kind.value];
    if (kind.value === "qualitative" && mode) { chosen.push("qualitative:" + mode.value); }
    form.querySelectorAll("[data-shown-for]").forEach(function (field) {
      var kinds = field.dataset.shownFor.split(" ");
      var shown = kinds.some(function (k) { return chosen.indexOf(k) !== -1; });
      var wrapper = field.closest("[id^='div_id_']") || field;
      wrapper.hidden = !shown;
    });
  }

  kind.addEventListener("change", update);
  if (mode) { mode.addEventListener("change", update); }
  update();
})();
