// The release view: one release against its baseline over time, a chart per judged metric, with the numbers that decided it.
"use strict";
const COLORS = { ok: "#13703a", risky: "#a3161b", insufficient: "#b07a00", pending: "#6b7785", invalid: "#6b7785" };
const [, ns, name] = location.pathname.match(/releases\/([^/]+)\/([^/]+)\/?$/) ?? [];
let vocabulary = [];
const kindOf = (v) => vocabulary.find((x) => x.word === v)?.kind ?? "pending";
const colorOf = (v) => COLORS[kindOf(v)];
// Values arrive in their unit (ratio, seconds, requests per second); people read %, ms and req/s.
const SHOWN = { ratio: { scale: 100, unit: "%", digits: 2 }, seconds: { scale: 1000, unit: " ms", digits: 0 },
  requests_per_second: { scale: 1, unit: " req/s", digits: 1 } };
const show = (m, v) => v == null ? "–" : (v * SHOWN[m.unit].scale).toFixed(SHOWN[m.unit].digits) + SHOWN[m.unit].unit;
const el = (tag, props = {}) => Object.assign(document.createElement(tag), props);
window.releaseRadarCharts = {};

async function getJson(url) {
  const r = await fetch(url, { headers: { Accept: "application/json" } });
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.json();
}

function numbers(m) {
  const d = m.decision ?? {};
  const rows = [["release", show(m, d.current)], ["baseline", show(m, d.baseline)], ["ratio", d.ratio == null ? "–" : d.ratio.toFixed(2) + "×"],
    ["p-value", d.pValue == null ? "–" : d.pValue < 0.001 ? "< 0.001" : d.pValue.toFixed(3)], ["outcome", d.outcome ?? "not judged"]];
  if (d.expected != null && m.control.length) rows.splice(2, 0, ["control predicts", show(m, d.expected)]);
  const dl = el("dl", { className: "numbers" });
  for (const [k, v] of rows) {
    const pair = el("div");
    pair.append(el("dt", { textContent: k }), el("dd", { textContent: v, className: k === "outcome" ? "outcome-" + v : "" }));
    dl.append(pair);
  }
  const box = el("div");
  box.append(dl);
  if (d.message) box.append(el("p", { className: "finding", textContent: d.message }));
  return box;
}

function chartOf(m, view, canvas) {
  const k = SHOWN[m.unit].scale;
  const xy = (p) => ({ x: Date.parse(p.time), y: p.value * k, verdict: p.verdict });
  const xs = [...m.release, ...m.analyses, ...m.control].map((p) => Date.parse(p.time));
  const [from, to] = [Math.min(...xs, Date.parse(view.windows.deployedAt)), Math.max(...xs)];
  const flat = (y) => [{ x: from, y }, { x: to, y }];
  const datasets = [];
  const b = m.baseline;
  if (b?.low != null) {
    datasets.push({ label: "baseline spread (p10)", kind: "baselineLow", data: flat(b.low * k), borderWidth: 0, pointRadius: 0, showLine: true, fill: false });
    datasets.push({ label: "baseline spread (p10–p90)", kind: "baselineHigh", data: flat(b.high * k), borderWidth: 0, pointRadius: 0, showLine: true,
      fill: "-1", backgroundColor: "rgba(31, 78, 156, 0.15)" });
  }
  if (b?.level != null)
    datasets.push({ label: "baseline level", kind: "baselineLevel", data: flat(b.level * k), borderColor: "#1f4e9c", borderDash: [6, 4], pointRadius: 0, showLine: true });
  datasets.push({ label: "release", kind: "release", data: m.release.map(xy), borderColor: "#17202a", pointRadius: 0, showLine: true, borderWidth: 1.5 });
  if (m.control.length)
    datasets.push({ label: "control", kind: "control", data: m.control.map(xy), borderColor: "#8a94a6", pointRadius: 0, showLine: true, borderWidth: 1 });
  datasets.push({ label: "analyses", kind: "analyses", data: m.analyses.map(xy), pointRadius: 4,
    pointBackgroundColor: (c) => colorOf(c.raw?.verdict), pointBorderColor: (c) => colorOf(c.raw?.verdict) });
  const top = Math.max(...datasets.flatMap((d) => d.data.map((p) => p.y)), 0);
  datasets.push({ label: "marks", kind: "marks", data: view.marks.map((x) => ({ x: Date.parse(x.time), y: top, mark: x })), pointStyle: "triangle",
    pointRadius: 7, rotation: 180, pointBackgroundColor: "#17202a" });
  return new Chart(canvas, {
    type: "scatter",
    data: { datasets },
    options: {
      animation: false, maintainAspectRatio: false, parsing: false,
      scales: {
        x: { type: "time", adapters: { date: { zone: "UTC" } },
          time: { tooltipFormat: "yyyy-MM-dd HH:mm:ss 'UTC'", displayFormats: { second: "HH:mm:ss", minute: "HH:mm", hour: "HH:mm" } },
          ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 4 } },
        y: { beginAtZero: true, title: { display: true, text: SHOWN[m.unit].unit.trim() } },
      },
      plugins: {
        legend: { labels: { boxWidth: 12, filter: (item, d) => !["baselineLow", "marks"].includes(d.datasets[item.datasetIndex].kind) } },
        tooltip: { callbacks: { label: (c) => c.raw.mark ? c.raw.mark.label
          : `${c.dataset.label}: ${c.raw.y.toFixed(SHOWN[m.unit].digits + 1)}${SHOWN[m.unit].unit}${c.raw.verdict ? " · " + c.raw.verdict : ""}` } },
      },
    },
  });
}

async function load() {
  try {
    vocabulary = await getJson("../../vocabulary");
    const view = await getJson(`../../view/${ns}/${name}`);
    const r = view.release;
    document.title = `Release Radar · ${r.namespace}/${r.name}`;
    document.getElementById("title").textContent = `${r.namespace}/${r.name} · ${r.version ?? "?"}`;
    const badge = document.getElementById("verdict");
    badge.textContent = r.verdict;
    badge.className = "badge verdict-" + kindOf(r.verdict);
    document.getElementById("score").textContent = `risk score ${r.riskScore ?? "–"}/100 · ${r.phase}`;
    const w = view.windows;
    document.getElementById("facts").replaceChildren(...[
      r.target && `target ${r.target}`, r.commit && `commit ${r.commit}`, w.deployedAt && `deployed ${w.deployedAt}`,
      w.windowEnd && `window ends ${w.windowEnd}`, w.baseline && `baseline ${w.baseline.start} → ${w.baseline.end}` + (w.baseline.source ? ` (${w.baseline.source})` : ""),
    ].filter(Boolean).map((t) => el("span", { textContent: t })));
    document.getElementById("reasons").replaceChildren(...view.reasons.map((t) => el("li", { textContent: t })));
    document.getElementById("marks").replaceChildren(...view.marks.map((x) => el("li", { textContent: `${x.time}: ${x.label}` })));
    document.getElementById("conditions").replaceChildren(...view.conditions.map((c) =>
      el("li", { textContent: `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ""}${c.message ? ": " + c.message : ""}` })));
    const note = document.getElementById("steps-note");
    note.hidden = !view.stepsUnavailable;
    note.textContent = view.stepsUnavailable ? "Per-step values are not shown: " + view.stepsUnavailable : "";
    const box = document.getElementById("metrics");
    box.replaceChildren();
    for (const m of view.metrics) {
      const section = el("section", { className: "metric" });
      section.dataset.metric = m.name;
      const canvas = el("canvas");
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", `${m.label} of the release against its baseline over time`);
      const chartBox = el("div", { className: "chart-box" });
      chartBox.append(canvas);
      section.append(el("h3", { textContent: m.label }), chartBox, numbers(m));
      box.append(section);
      window.releaseRadarCharts[m.name] = chartOf(m, view, canvas);
    }
    window.releaseRadarView = view;
    document.body.dataset.loaded = "true";
  } catch (e) {
    document.getElementById("updated").textContent = "could not load: " + e.message;
  }
}

load();
