// Plan page: drag a lever card to change the levers' order; the new order is posted at once.
// The up/down buttons on each lever do the same without a mouse.
(function () {
  var list = document.querySelector("[data-reorder-url]");
  if (!list) return;
  var dragged = null;
  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; }
    catch (e) { return ""; }
  }
  list.addEventListener("dragstart", function (e) {
    dragged = e.target.closest("[data-lever-id]");
    if (dragged) dragged.classList.add("dragging");
  });
  list.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
  });
  list.addEventListener("dragover", function (e) {
    var over = e.target.closest("[data-lever-id]");
    if (!dragged || !over || over === dragged) return;
    e.preventDefault();
    var box = over.getBoundingClientRect();
    var after = e.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
  });
  list.addEventListener("drop", function (e) {
    e.preventDefault();
    var body = new URLSearchParams();
    list.querySelectorAll("[data-lever-id]").forEach(function (el) {
      body.append("lever", el.dataset.leverId);
    });
    fetch(list.dataset.reorderUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken() },
      body: body,
      credentials: "same-origin",
    }).then(function (response) {
      if (!response.ok) window.location.reload();
    });
  });
})();
