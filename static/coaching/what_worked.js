// The "what worked" chart: one horizontal bar per line with enough cases (data from json_script).
(function () {
  "use strict";
  var canvas = document.querySelector("canvas[data-chart='what-worked']");
  var node = canvas && document.getElementById(canvas.dataset.source);
  if (!node || typeof Chart === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  new Chart(canvas, {
    type: "bar",
    data: { labels: data.labels, datasets: [{ data: data.values,
      backgroundColor: data.better.map(function (good) { return good ? "#146c43" : "#b02a37"; }) }] },
    options: { indexAxis: "y", animation: false, responsive: true,
      plugins: { legend: { display: false } } }
  });
}());
