// The live page: one EventSource; "stats" redraws numbers, charts and tables, "networks" the drawings.
"use strict";
const $ = (id) => document.getElementById(id);
const ms = (s) => (s === null || s === undefined ? "–" : (s * 1000).toFixed(1));
const esc = (v) => String(v ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

function lineChart(id, title, names, yLabel) {
  return new Chart($(id), {
    type: "line",
    data: { labels: [], datasets: names.map((n) => ({ label: n, data: [], pointRadius: 0, borderWidth: 1.5 })) },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      plugins: { title: { display: true, text: title } },
      scales: { x: { title: { display: true, text: "seconds since start" } }, y: { beginAtZero: true, title: { display: true, text: yLabel } } },
    },
  });
}
const charts = {
  latency: lineChart("latency", "latency over time", ["p50", "p99"], "ms"),
  throughput: lineChart("throughput", "requests per second", ["requests", "errors"], "requests"),
  histogram: new Chart($("histogram"), {
    type: "bar",
    data: { labels: [], datasets: [{ label: "requests", data: [] }] },
    options: { animation: false, responsive: true, maintainAspectRatio: false,
      plugins: { title: { display: true, text: "latency histogram (all routes)" }, legend: { display: false } },
      scales: { x: { title: { display: true, text: "ms" } } } },
  }),
};

function setSeries(chart, labels, series) {
  chart.data.labels = labels;
  series.forEach((values, i) => { chart.data.datasets[i].data = values; });
  chart.update("none");
}

function rows(tbody, html) { $(tbody).querySelector("tbody").innerHTML = html; }

function onStats(s) {
  $("scenario").textContent = s.scenario;
  $("phase").textContent = s.phase;
  $("phase").className = "phase " + s.phase;
  document.body.dataset.phase = s.phase;
  if (!s.total) return;
  $("requests").textContent = s.total.count;
  $("errors").textContent = s.total.errors;
  $("bots-active").textContent = s.bots.active;
  $("bots-finished").textContent = s.bots.finished;
  $("bots-failed").textContent = s.bots.failed;
  $("bots-stopped").textContent = s.bots.stopped;
  $("p50").textContent = ms(s.total.p50);
  $("p99").textContent = ms(s.total.p99);
  const t = s.timeline.map((p) => p.t);
  setSeries(charts.latency, t, [s.timeline.map((p) => (p.p50 ?? 0) * 1000), s.timeline.map((p) => (p.p99 ?? 0) * 1000)]);
  setSeries(charts.throughput, t, [s.timeline.map((p) => p.count), s.timeline.map((p) => p.errors)]);
  setSeries(charts.histogram, s.histogram.map((b) => b[0].toFixed(1)), [s.histogram.map((b) => b[1])]);
  rows("routes", [...s.routes, s.total].map((r) =>
    `<tr><td><code>${esc(r.name)}</code></td><td class=num>${r.count}</td><td class=num>${r.errors}</td>` +
    `<td class=num>${ms(r.p50)}</td><td class=num>${ms(r.p90)}</td><td class=num>${ms(r.p99)}</td>` +
    `<td class=num>${ms(r.max)}</td><td>${esc(JSON.stringify(r.statuses))}</td></tr>`).join(""));
  if (s.recruited) {
    $("recruited-section").hidden = false;
    rows("recruited", s.recruited.map((b) =>
      `<tr><td class=num>${b.index}</td><td>${esc(b.participant_id ?? "–")}</td><td>${esc(b.state)}</td>` +
      `<td class=num>${b.seconds}</td><td><code>${esc(b.url)}</code></td><td>${esc(b.error ?? "")}</td></tr>`).join(""));
  }
  if (s.result) {
    $("verdict").innerHTML = s.result.passed ? '<span class="pass">PASSED</span>' : '<span class="fail">FAILED</span>';
    const results = [...(s.result.checks || []), ...(s.result.thresholds || [])];
    $("checks").innerHTML = results.length ? "<h2>Checks and thresholds</h2><table><tr><th></th><th>name</th><th>message</th></tr>" +
      results.map((r) => `<tr><td class="${r.passed ? "pass" : "fail"}">${r.passed ? "PASS" : "FAIL"}</td><td>${esc(r.name)}</td><td>${esc(r.message)}</td></tr>`).join("") +
      "</table>" : "";
  }
}

function onNetworks(n) {
  if (n.count === undefined) return;
  $("network-count").textContent = `(${n.count}${n.count > n.networks.length ? ", first " + n.networks.length + " drawn" : ""})`;
  $("networks").innerHTML = n.networks.map((net) =>
    `<figure data-network="${net.id}">${net.svg}<figcaption>${esc(net.caption)}</figcaption></figure>`).join("") || "<p>no networks</p>";
}

const source = new EventSource("/events");
source.addEventListener("stats", (e) => onStats(JSON.parse(e.data)));
source.addEventListener("networks", (e) => onNetworks(JSON.parse(e.data)));
source.addEventListener("end", () => source.close());
source.onerror = () => { if (document.body.dataset.phase === "finished") source.close(); };
