// Draws the dashboard's charts from the numbers the page embeds (#dashboard-data). Every chart
// has a table with the same numbers next to it, so nothing depends on this script.
(function () {
  var source = document.getElementById("dashboard-data");
  if (!source || !window.Chart) return;
  var data = JSON.parse(source.textContent);
  var brand = "#0b5394", ok = "#1d6b3a", warn = "#8a4b00";
  var trend = document.getElementById("trend-chart");
  if (trend && data.trend.labels.length) {
    new window.Chart(trend, {
      data: {
        labels: data.trend.labels,
        datasets: [
          { type: "bar", label: data.labels.cases, data: data.trend.cases, backgroundColor: "#c9d9ea", yAxisID: "y" },
          { type: "line", label: data.labels.direct, data: data.trend.direct, borderColor: ok, backgroundColor: ok, yAxisID: "share", spanGaps: true },
          { type: "line", label: data.labels.target, data: data.trend.labels.map(function () { return data.target; }), borderColor: warn, borderDash: [6, 4], pointRadius: 0, yAxisID: "share" }
        ]
      },
      options: {
        maintainAspectRatio: false, animation: false,
        scales: {
          y: { beginAtZero: true, position: "left", title: { display: true, text: data.labels.cases } },
          share: { min: 0, max: 100, position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: "%" } }
        }
      }
    });
  }
  var channels = document.getElementById("channel-chart");
  if (channels && data.channels.labels.length) {
    new window.Chart(channels, {
      type: "bar",
      data: { labels: data.channels.labels, datasets: [{ label: data.labels.contacts, data: data.channels.contacts, backgroundColor: brand }] },
      options: { indexAxis: "y", maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } } }
    });
  }
})();
