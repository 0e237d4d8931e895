// Charts of the indicators pages (no inline script: data comes from json_script tags).
(function () {
  "use strict";

  function readData(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  var palette = ["#0a4fa6", "#b02a37", "#146c43", "#997404", "#6f42c1", "#0d6efd", "#d63384"];

  function sparkline(canvas) {
    var data = readData(canvas.dataset.source);
    if (!data || !data.values.length || typeof Chart === "undefined") { return; }
    new Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: [{ data: data.values, borderColor: "#0a4fa6",
        borderWidth: 2, pointRadius: 0, tension: 0.3, spanGaps: true }] },
      options: { animation: false, responsive: true, maintainAspectRatio: false,
        plugins: { legend: { display: false }, tooltip: { enabled: true } },
        scales: { x: { display: false }, y: { display: false } } }
    });
  }

  function trend(canvas) {
    var data = readData(canvas.dataset.source);
    if (!data || typeof Chart === "undefined") { return; }
    var colourOf = {}, next = 0;
    var datasets = data.datasets.map(function (set) {
      var who = set.label.split(" — ")[0];
      if (!(who in colourOf)) { colourOf[who] = palette[next++ % palette.length]; }
      var colour = colourOf[who];
      var style = { label: set.label, data: set.data, borderColor: colour, backgroundColor: colour,
        spanGaps: true, tension: 0.2 };
      if (set.kind === "target") { style.borderDash = [6, 4]; style.pointRadius = 0; style.borderWidth = 1; }
      if (set.kind === "forecast") {
        style.borderDash = [2, 3]; style.pointStyle = "triangle"; style.pointRadius = 5;
      }
      return style;
    });
    new Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: { animation: false, responsive: true, interaction: { mode: "nearest", intersect: false },
        scales: { y: { title: { display: !!data.unit, text: data.unit } } } }
    });
  }

  // The dashboard's charts: one indicator each, the actual and the target line. A week with no
  // figure is null and stays a gap (spanGaps off): "nothing recorded" is not drawn as a zero.
  // A point is green on the line or its good side (below it when lower is better), red worse
  // than it; the summary and the table under the chart say the same in words.
  function dashboardTrend(canvas) {
    var data = readData(canvas.dataset.source);
    if (!data || typeof Chart === "undefined") { return; }
    var chart = data.charts[parseInt(canvas.dataset.index, 10)];
    if (!chart) { return; }
    var ink = "#0a4fa6", good = "#146c43", bad = "#b02a37", line = "#495057";
    var points = chart.better.map(function (b) { return b === null ? ink : (b ? good : bad); });
    new Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: [
        { label: data.names.actual, data: chart.actual, borderColor: ink, backgroundColor: ink,
          pointBackgroundColor: points, pointBorderColor: points, pointRadius: 3, borderWidth: 2,
          spanGaps: false, tension: 0.2 },
        { label: data.names.target, data: chart.target, borderColor: line, backgroundColor: line,
          borderDash: [6, 4], borderWidth: 1.5, pointRadius: 0, spanGaps: false }
      ] },
      options: { animation: false, responsive: true, maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
        scales: { x: { ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 5 } },
          y: { title: { display: !!chart.unit, text: chart.unit } } } }
    });
  }

  // The text beside each dashboard chart: its weeks so far as a table (actual, target line,
  // which side of it), for screen readers and for reading the exact figures.
  function trendTable(details) {
    var data = readData(details.dataset.source);
    var chart = data && data.charts[parseInt(details.dataset.index, 10)];
    if (!chart) { return; }
    var lang = document.documentElement.lang || undefined;
    function cell(tag, text, scope) {
      var node = document.createElement(tag);
      node.textContent = text;
      if (scope) { node.scope = scope; }
      return node;
    }
    function number(value) {
      return value === null ? "–" : value.toLocaleString(lang, { maximumFractionDigits: 2 });
    }
    var table = document.createElement("table");
    table.className = "table table-sm mb-0";
    table.appendChild(cell("caption", chart.name)).className = "visually-hidden";
    var head = table.createTHead().insertRow();
    [data.names.week, data.names.actual, data.names.target, data.names.against].forEach(
      function (name) { head.appendChild(cell("th", name, "col")); });
    var body = table.createTBody();
    for (var i = 0; i < data.shown; i++) {
      var row = body.insertRow();
      var better = chart.better[i];
      row.appendChild(cell("th", data.dates[i], "row"));
      row.appendChild(cell("td", number(chart.actual[i])));
      row.appendChild(cell("td", number(chart.target[i])));
      row.appendChild(cell("td", better === null ? "–" : data.names[better ? "better" : "worse"]));
    }
    var frame = document.createElement("div");
    frame.className = "table-responsive";
    frame.appendChild(table);
    details.appendChild(frame);
  }

  document.querySelectorAll("canvas[data-chart='sparkline']").forEach(sparkline);
  document.querySelectorAll("details[data-trend-table]").forEach(trendTable);
  document.querySelectorAll("canvas[data-chart='dashboard-trend']").forEach(dashboardTrend);
  document.querySelectorAll("canvas[data-chart='trend']").forEach(trend);

  // Progress bars get their width here: a style attribute would need 'unsafe-inline' in the CSP.
  document.querySelectorAll("[data-width-of]").forEach(function (bar) {
    var parts = bar.dataset.widthOf.split("/");
    var total = parseFloat(parts[1]);
    bar.style.width = (total ? (100 * parseFloat(parts[0]) / total) : 0) + "%";
  });

  document.querySelectorAll("select[data-navigate-prefix]").forEach(function (select) {
    select.addEventListener("change", function () {
      window.location.href = select.dataset.navigatePrefix + select.value + "/";
    });
  });
})();
