// The timeline page: reads the read-only API and draws releases, their verdicts and the error-rate and P95 curves.
"use strict";
// Colours by kind of verdict; the words themselves (the user's own Spanish) come from the API's /vocabulary.
const COLORS = { ok: "#13703a", risky: "#a3161b", insufficient: "#b07a00", pending: "#6b7785", invalid: "#6b7785" };
let vocabulary = [];
const wordOf = (kind) => vocabulary.find((v) => v.kind === kind)?.word ?? kind;
const verdictOf = (v) => v || wordOf("pending");
const kindOf = (v) => vocabulary.find((x) => x.word === verdictOf(v))?.kind ?? "pending";
const meaningOf = (v) => vocabulary.find((x) => x.word === verdictOf(v))?.meaning ?? "";
const colorOf = (v) => COLORS[kindOf(v)];
const cssClass = (v) => "verdict-" + kindOf(v);
const pct = (x) => x == null ? "–" : (x * 100).toFixed(2) + "%";
const ms = (x) => x == null ? "–" : Math.round(x * 1000) + " ms";
const timeLabel = (t) => new Date(t).toISOString().replace("T", " ").slice(0, 16) + " UTC";
let chart = null;

async function getJson(url) {
  const r = await fetch(url, { headers: { Accept: "application/json" } });
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.json();
}

function fillSelect(select, values) {
  const current = select.value;
  const keep = [...new Set(values)].filter(Boolean).sort();
  select.replaceChildren(new Option("all", ""), ...keep.map((v) => new Option(v, v)));
  if (keep.includes(current)) select.value = current;
}

function renderList(items) {
  const list = document.getElementById("releases");
  document.getElementById("empty").hidden = items.length > 0;
  list.replaceChildren(...items.map(({ release: r, history }) => {
    const li = document.createElement("li");
    li.className = "release " + cssClass(r.verdict);
    li.dataset.verdict = verdictOf(r.verdict);
    li.dataset.name = `${r.namespace}/${r.name}`;
    const details = document.createElement("details");
    const summary = document.createElement("summary");
    const badge = Object.assign(document.createElement("span"), {
      className: "badge " + cssClass(r.verdict), textContent: verdictOf(r.verdict), title: meaningOf(r.verdict),
    });
    const name = Object.assign(document.createElement("span"), { className: "name", textContent: `${r.namespace}/${r.name} · ${r.version ?? "?"}` });
    const meta = Object.assign(document.createElement("span"), {
      className: "meta",
      textContent: `deployed ${r.deployedAt ? timeLabel(r.deployedAt) : "?"} · score ${r.riskScore ?? "–"} · errors ${pct(r.errorRate)} · P95 ${ms(r.latencyP95)} · ${r.phase ?? "Pending"}`,
    });
    summary.append(badge, name, meta);
    const evolution = document.createElement("div");
    evolution.className = "evolution";
    evolution.setAttribute("aria-label", "verdict at each analysis: " + history.map((h) => `${h.elapsed} ${verdictOf(h.verdict)}`).join(", "));
    for (const h of history) {
      const dot = document.createElement("span");
      dot.style.background = colorOf(h.verdict);
      dot.title = `${h.elapsed}: ${verdictOf(h.verdict)} (score ${h.riskScore})` + (h.onset ? ` · regression began at ${h.onset}` : "");
      evolution.append(dot);
    }
    const reasons = document.createElement("ul");
    reasons.className = "reasons";
    if (r.summary) reasons.append(Object.assign(document.createElement("li"), { textContent: r.summary }));
    details.append(summary, evolution, reasons);
    details.addEventListener("toggle", async () => {
      if (!details.open || details.dataset.loaded) return;
      const a = await getJson(`analysis/${encodeURIComponent(r.namespace)}/${encodeURIComponent(r.name)}`);
      reasons.replaceChildren(...a.reasons.map((t) => Object.assign(document.createElement("li"), { textContent: t })));
      details.dataset.loaded = "1";
    });
    li.append(details);
    return li;
  }));
}

function renderChart(items) {
  // One error-rate line and one P95 line per release, so a curve never joins two releases' windows.
  const byPoint = (ctx) => colorOf(ctx.raw?.verdict);
  const datasets = [];
  const markers = [];
  for (const { release: r, history } of items) {
    const point = (h, y) => ({ x: Date.parse(h.time), y, verdict: verdictOf(h.verdict), release: r.name });
    datasets.push({ label: "Error rate (%)", kind: "errors", data: history.filter((h) => h.errorRate != null).map((h) => point(h, h.errorRate * 100)),
      yAxisID: "errors", borderColor: "#1f4e9c", pointBackgroundColor: byPoint, pointBorderColor: byPoint, pointRadius: 3, showLine: true, tension: 0.2 });
    datasets.push({ label: "P95 latency (ms)", kind: "latency", data: history.filter((h) => h.latencyP95 != null).map((h) => point(h, h.latencyP95 * 1000)),
      yAxisID: "latency", borderColor: "#7b3fa0", borderDash: [6, 4], pointBackgroundColor: byPoint, pointBorderColor: byPoint, pointRadius: 3, showLine: true, tension: 0.2 });
    if (r.deployedAt) markers.push({ x: Date.parse(r.deployedAt), y: 0, verdict: verdictOf(r.verdict), release: `${r.name} (${r.version ?? "?"})` });
  }
  datasets.push({ label: "Deploys", kind: "deploys", data: markers, yAxisID: "errors", pointStyle: "triangle", pointRadius: 9, pointBackgroundColor: byPoint, pointBorderColor: "#17202a" });
  const data = { datasets };
  if (!chart) {
    chart = new Chart(document.getElementById("chart"), {
      type: "scatter",
      data,
      options: {
        animation: false, maintainAspectRatio: false, parsing: false,
        scales: {
          x: { type: "linear", ticks: { callback: (v) => new Date(v).toISOString().slice(11, 16), maxTicksLimit: 8 }, title: { display: true, text: "time (UTC)" } },
          errors: { position: "left", beginAtZero: true, title: { display: true, text: "error rate (%)" } },
          latency: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: "P95 (ms)" } },
        },
        plugins: {
          // One legend entry per kind of line, not per release.
          legend: { labels: { filter: (item, d) => d.datasets.findIndex((x) => x.kind === d.datasets[item.datasetIndex].kind) === item.datasetIndex } },
          tooltip: { callbacks: { label: (c) => `${c.raw.release}: ${c.dataset.label} ${c.raw.y.toFixed(2)} · ${c.raw.verdict}` } },
        },
      },
    });
    window.releaseRadarChart = chart;
  } else {
    chart.data = data;
    chart.update();
  }
}

async function load() {
  const ns = document.getElementById("namespace").value;
  const target = document.getElementById("target").value;
  try {
    if (vocabulary.length === 0) {
      vocabulary = await getJson("vocabulary");
      document.getElementById("legend").replaceChildren(...vocabulary.map((v) => {
        const li = document.createElement("li");
        li.append(Object.assign(document.createElement("span"), { className: "badge verdict-" + v.kind, textContent: v.word }), " " + v.meaning);
        return li;
      }));
    }
    const all = await getJson("releases");
    fillSelect(document.getElementById("namespace"), all.map((r) => r.namespace));
    fillSelect(document.getElementById("target"), all.filter((r) => !ns || r.namespace === ns).map((r) => r.target));
    const params = new URLSearchParams();
    if (ns) params.set("namespace", ns);
    if (target) params.set("target", target);
    const items = await getJson("timeline?" + params);
    renderList(items);
    renderChart(items);
    document.getElementById("updated").textContent = "updated " + new Date().toISOString().slice(11, 19) + " UTC";
    document.body.dataset.loaded = "true";
  } catch (e) {
    document.getElementById("updated").textContent = "could not load: " + e.message;
  }
}

document.getElementById("namespace").addEventListener("change", load);
document.getElementById("target").addEventListener("change", load);
document.getElementById("refresh").addEventListener("click", load);
setInterval(() => { if (document.getElementById("autorefresh").checked) load(); }, 10000);
load();
