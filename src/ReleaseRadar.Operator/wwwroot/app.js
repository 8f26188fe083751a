// The overview page: reads the read-only API and draws the releases (sorted, counted, each linking to its own view) and
// their error-rate and P95 curves, one colour per release, on a time axis in UTC.
"use strict";
// Colours by kind of verdict; the words themselves (the user's own Spanish) come from the API's /vocabulary.
const COLORS = { ok: "#13703a", risky: "#a3161b", insufficient: "#b07a00", pending: "#6b7785", invalid: "#6b7785" };
// One colour per release on the chart, told apart from the verdict colours and from each other.
const PALETTE = ["#1f4e9c", "#7b3fa0", "#0f7c8c", "#c2570c", "#5b6b00", "#b0357a", "#3b5bdb", "#8a5a00", "#2f855a", "#6741d9"];
let vocabulary = [];
const wordOf = (kind) => vocabulary.find((v) => v.kind === kind)?.word ?? kind;
const verdictOf = (v) => v || wordOf("pending");
const kindOf = (v) => vocabulary.find((x) => x.word === verdictOf(v))?.kind ?? "pending";
const meaningOf = (v) => vocabulary.find((x) => x.word === verdictOf(v))?.meaning ?? "";
const colorOf = (v) => COLORS[kindOf(v)];
const cssClass = (v) => "verdict-" + kindOf(v);
const pct = (x) => x == null ? "–" : (x * 100).toFixed(2) + "%";
const ms = (x) => x == null ? "–" : Math.round(x * 1000) + " ms";
const timeLabel = (t) => new Date(t).toISOString().replace("T", " ").slice(0, 19) + " UTC";
const SORTS = {
  newest: (a, b) => (b.release.deployedAt ?? "").localeCompare(a.release.deployedAt ?? ""),
  oldest: (a, b) => (a.release.deployedAt ?? "").localeCompare(b.release.deployedAt ?? ""),
  // Risky first, then by score; a release not scored yet last.
  risk: (a, b) => (kindOf(b.release.verdict) === "risky") - (kindOf(a.release.verdict) === "risky")
    || (b.release.riskScore ?? -1) - (a.release.riskScore ?? -1) || SORTS.newest(a, b),
};
let chart = null;

async function getJson(url) {
  const r = await fetch(url, { headers: { Accept: "application/json" } });
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.json();
}

function fillSelect(select, values, wanted) {
  const keep = [...new Set(values)].filter(Boolean).sort();
  select.replaceChildren(new Option("all", ""), ...keep.map((v) => new Option(v, v)));
  select.value = keep.includes(wanted) ? wanted : "";
}

// The filters and the sort live in the URL, so a view can be shared and survives a reload.
function fromUrl() {
  const q = new URLSearchParams(location.search);
  return { namespace: q.get("namespace") ?? "", target: q.get("target") ?? "", sort: SORTS[q.get("sort")] ? q.get("sort") : "newest" };
}

function toUrl(state) {
  // The symptom's parameters (suspects, symptom-*) stay as they are.
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(state)) if (v && !(k === "sort" && v === "newest")) q.set(k, v); else q.delete(k);
  history.replaceState(null, "", q.size ? "?" + q : location.pathname);
}

function renderCounts(items) {
  const counts = new Map();
  for (const { release: r } of items) counts.set(verdictOf(r.verdict), (counts.get(verdictOf(r.verdict)) ?? 0) + 1);
  const el = document.getElementById("counts");
  el.replaceChildren(...[...counts].sort((a, b) => b[1] - a[1]).map(([word, n]) => {
    const span = Object.assign(document.createElement("span"), { className: "badge " + cssClass(word), textContent: `${n} ${word}` });
    span.dataset.verdict = word;
    span.dataset.count = n;
    return span;
  }));
}

function renderList(items, sort, colours) {
  const list = document.getElementById("releases");
  document.getElementById("empty").hidden = items.length > 0;
  document.getElementById("list-title").textContent = `Releases, ${document.querySelector(`#sort option[value=${sort}]`).textContent}`;
  list.replaceChildren(...items.map(({ release: r, history }) => {
    const li = document.createElement("li");
    li.className = "release " + cssClass(r.verdict);
    li.dataset.verdict = verdictOf(r.verdict);
    li.dataset.name = `${r.namespace}/${r.name}`;
    li.style.setProperty("--series", colours.get(li.dataset.name));
    const details = document.createElement("details");
    const summary = document.createElement("summary");
    const badge = Object.assign(document.createElement("span"), {
      className: "badge " + cssClass(r.verdict), textContent: verdictOf(r.verdict), title: meaningOf(r.verdict),
    });
    const swatch = Object.assign(document.createElement("span"), { className: "swatch", title: "its colour on the chart" });
    const name = Object.assign(document.createElement("span"), { className: "name", textContent: `${r.namespace}/${r.name} · ${r.version ?? "?"}` });
    const meta = Object.assign(document.createElement("span"), {
      className: "meta",
      textContent: `deployed ${r.deployedAt ? timeLabel(r.deployedAt) : "?"} · score ${r.riskScore ?? "–"} · errors ${pct(r.errorRate)} · P95 ${ms(r.latencyP95)} · ${r.phase ?? "Pending"}`,
    });
    summary.append(swatch, badge, name, meta);
    const open = Object.assign(document.createElement("a"), {
      className: "open", href: `releases/${encodeURIComponent(r.namespace)}/${encodeURIComponent(r.name)}`, textContent: "Release view →",
    });
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
    li.append(details, open);
    return li;
  }));
}

function renderChart(items, colours) {
  // One error-rate line and one P95 line per release, in the release's colour, so a curve never joins two releases.
  const byPoint = (ctx) => colorOf(ctx.raw?.verdict);
  const datasets = [];
  const markers = [];
  for (const { release: r, history } of items) {
    const key = `${r.namespace}/${r.name}`;
    const label = `${key} (${r.version ?? "?"})`;
    const point = (h, y) => ({ x: Date.parse(h.time), y, verdict: verdictOf(h.verdict), release: label });
    const line = { yAxisID: "errors", borderColor: colours.get(key), backgroundColor: colours.get(key), pointBackgroundColor: byPoint,
      pointBorderColor: byPoint, pointRadius: 3, showLine: true, tension: 0.2, release: key };
    datasets.push({ ...line, label, kind: "errors", metric: "error rate", unit: "%",
      data: history.filter((h) => h.errorRate != null).map((h) => point(h, h.errorRate * 100)) });
    datasets.push({ ...line, label: `${label} P95`, kind: "latency", metric: "P95", unit: " ms", yAxisID: "latency", borderDash: [6, 4],
      data: history.filter((h) => h.latencyP95 != null).map((h) => point(h, h.latencyP95 * 1000)) });
    if (r.deployedAt) markers.push({ x: Date.parse(r.deployedAt), y: 0, verdict: verdictOf(r.verdict), release: label, deploy: true });
  }
  datasets.push({ label: "Deploys", kind: "deploys", metric: "deployed", unit: "", data: markers, yAxisID: "errors", pointStyle: "triangle",
    pointRadius: 9, pointBackgroundColor: byPoint, pointBorderColor: "#17202a", borderColor: "#17202a", backgroundColor: "#17202a" });
  const data = { datasets };
  if (!chart) {
    chart = new Chart(document.getElementById("chart"), {
      type: "scatter",
      data,
      options: {
        animation: false, maintainAspectRatio: false, parsing: false,
        scales: {
          // The library's time scale (luxon, in UTC): ticks on round times that neither repeat nor skip.
          x: { type: "time", adapters: { date: { zone: "UTC" } },
            time: { tooltipFormat: "yyyy-MM-dd HH:mm:ss 'UTC'", displayFormats: { second: "HH:mm:ss", minute: "HH:mm", hour: "MMM d HH:mm" } },
            ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 8 }, title: { display: true, text: "time (UTC)" } },
          errors: { position: "left", beginAtZero: true, title: { display: true, text: "error rate (%)" } },
          latency: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: "P95 (ms)" } },
        },
        plugins: {
          // One legend entry per release (its error-rate line; the P95 line shares the colour) and one for the deploys.
          legend: { labels: { boxWidth: 14, filter: (item, d) => d.datasets[item.datasetIndex].kind !== "latency" } },
          tooltip: { callbacks: { label: (c) => c.raw.deploy ? `${c.raw.release} deployed`
            : `${c.raw.release}: ${c.dataset.metric} ${c.raw.y.toFixed(2)}${c.dataset.unit} · ${c.raw.verdict}` } },
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
  const state = { namespace: document.getElementById("namespace").value, target: document.getElementById("target").value,
    sort: document.getElementById("sort").value };
  toUrl(state);
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
    fillSelect(document.getElementById("namespace"), all.map((r) => r.namespace), state.namespace);
    fillSelect(document.getElementById("target"), all.filter((r) => !state.namespace || r.namespace === state.namespace).map((r) => r.target), state.target);
    const params = new URLSearchParams();
    if (state.namespace) params.set("namespace", state.namespace);
    if (state.target) params.set("target", state.target);
    const items = (await getJson("timeline?" + params)).sort(SORTS[state.sort]);
    // Colours follow deploy order, so a release keeps its colour whatever the sort.
    const colours = new Map([...items].sort(SORTS.oldest).map((x, i) => [`${x.release.namespace}/${x.release.name}`, PALETTE[i % PALETTE.length]]));
    renderCounts(items);
    renderList(items, state.sort, colours);
    renderChart(items, colours);
    document.getElementById("updated").textContent = "updated " + new Date().toISOString().slice(11, 19) + " UTC";
    document.body.dataset.loaded = "true";
  } catch (e) {
    document.getElementById("updated").textContent = "could not load: " + e.message;
  }
}

// Which release broke it: the symptom form asks GET /suspects and lists the ranked releases, or "none of these" with
// its reason. The symptom lives in the URL too (?suspects=checkout&metric=5xx…), so an answer can be shared.
const SYMPTOM = { service: "symptom-service", metric: "symptom-metric", since: "symptom-since", at: "symptom-at", selector: "symptom-selector" };

async function findSuspects() {
  const q = new URLSearchParams();
  for (const [name, id] of Object.entries(SYMPTOM)) {
    const v = document.getElementById(id).value.trim();
    if (v) q.set(name, v);
  }
  const shown = new URLSearchParams(location.search);
  for (const [name, v] of q) shown.set(name === "service" ? "suspects" : "symptom-" + name, v);
  history.replaceState(null, "", "?" + shown);
  const line = document.getElementById("symptom");
  const list = document.getElementById("suspects");
  const section = document.getElementById("suspects-section");
  section.dataset.loaded = "false";
  line.textContent = "Reading every service's traffic from Prometheus…";
  list.replaceChildren();
  try {
    const r = await fetch("suspects?" + q, { headers: { Accept: "application/json" } });
    const a = await r.json();
    if (!r.ok) throw new Error(a.error ?? `HTTP ${r.status}`);
    const change = a.onset
      ? `changed at ${timeLabel(a.onset)} (${a.metric === "LatencyP95" ? ms(a.before) + " → " + ms(a.after)
        : a.metric === "Throughput" ? a.before.toFixed(1) + " → " + a.after.toFixed(1) + " req/s" : pct(a.before) + " → " + pct(a.after)})`
      : "no change found";
    line.textContent = `Symptom: ${a.service}, ${document.getElementById("symptom-metric").selectedOptions[0].textContent}, ${change}.`;
    if (a.noneOfThese) {
      const none = Object.assign(document.createElement("li"), { className: "none" });
      none.append(Object.assign(document.createElement("strong"), { textContent: "None of these: " }), a.noneOfThese);
      list.append(none);
    }
    if (!a.noneOfThese && a.changedTogether.length > 0)
      line.textContent += ` Also changed at the onset, with no release to explain it: ${a.changedTogether.join(", ")}.`;
    list.append(...a.suspects.map((s, i) => {
      const li = Object.assign(document.createElement("li"), { className: "suspect" + (a.noneOfThese ? " unlikely" : "") });
      li.dataset.release = s.release;
      li.dataset.score = s.score;
      const [ns, name] = s.release.split("/");
      const link = Object.assign(document.createElement("a"), { href: `releases/${ns}/${name}`, textContent: s.release });
      const score = Object.assign(document.createElement("span"), { className: "score", textContent: `${i + 1}. score ${s.score.toFixed(2)}` });
      const badge = s.verdict ? Object.assign(document.createElement("span"), { className: "badge " + cssClass(s.verdict), textContent: s.verdict }) : "";
      li.append(score, " ", link, " ", badge, Object.assign(document.createElement("p"), { className: "sentence", textContent: s.sentence }));
      return li;
    }));
  } catch (e) {
    line.textContent = "could not find suspects: " + e.message;
  }
  section.dataset.loaded = "true";
}

document.getElementById("suspects-form").addEventListener("submit", (e) => { e.preventDefault(); findSuspects(); });
// A shared link's symptom fills the form; it is asked once the first load has the vocabulary (the verdicts' colours).
const sharedSymptom = new URLSearchParams(location.search);
if (sharedSymptom.get("suspects")) {
  document.getElementById(SYMPTOM.service).value = sharedSymptom.get("suspects");
  for (const name of ["metric", "since", "at", "selector"])
    if (sharedSymptom.get("symptom-" + name)) document.getElementById(SYMPTOM[name]).value = sharedSymptom.get("symptom-" + name);
}

const initial = fromUrl();
// The selects get their options from the API; until then they hold the wanted values as their only option.
for (const id of ["namespace", "target"]) if (initial[id]) document.getElementById(id).append(new Option(initial[id], initial[id]));
for (const id of ["namespace", "target", "sort"]) {
  document.getElementById(id).value = initial[id];
  document.getElementById(id).addEventListener("change", load);
}
document.getElementById("refresh").addEventListener("click", load);
setInterval(() => { if (document.getElementById("autorefresh").checked) load(); }, 10000);
load().then(() => { if (sharedSymptom.get("suspects")) findSuspects(); });
