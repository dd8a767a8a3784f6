// The dashboard's error chart: errors by type over the last 10 minutes (the in-memory history of
// /api/activity) or the last hour, 24 hours or 7 days (the journal's counts, /api/counts), with the
// journal's events (/api/events) as markers that show their facts when clicked or focused, and the
// time before the last start shaded. Any event kind is drawn the same way: kind, time, summary, facts.
"use strict";
window.CandorErrorsChart = (function () {
  const RANGES = {
    "10m": { seconds: 600, words: "last 10 minutes", refreshMs: 0 },
    "1h": { seconds: 3600, words: "last hour", refreshMs: 10000 },
    "24h": { seconds: 86400, words: "last 24 hours", refreshMs: 30000 },
    "7d": { seconds: 604800, words: "last 7 days", refreshMs: 60000 },
  };
  const EVENTS_LIMIT = 1000;
  const HALF = 8, LANE_PX = 18, LANES = 9, LABEL_PX = 70;
  /** Kinds whose marker carries a visible label: the life of the process. */
  const LABELLED = { start: "start", stop: "stop", unclean_stop: "unclean stop" };

  function per(stepS) {
    if (stepS % 86400 === 0) return stepS === 86400 ? "day" : stepS / 86400 + " days";
    if (stepS % 3600 === 0) return stepS === 3600 ? "hour" : stepS / 3600 + " hours";
    return stepS === 60 ? "minute" : stepS / 60 + " minutes";
  }

  function when(iso) {
    const d = new Date(iso);
    return d.toLocaleString() + " (" + iso + ")";
  }

  /**
   * deps: el (the DOM helper), api (an authorized fetch of JSON), colors, width (the chart's width).
   * Returns update(status, activity), called on every refresh, and resize().
   */
  function create(deps) {
    const { el, api, colors } = deps;
    const root = document.getElementById("errors-chart");
    const title = document.getElementById("errors-chart-title");
    const summary = document.getElementById("errors-chart-summary");
    const off = document.getElementById("errors-chart-off");
    const note = document.getElementById("errors-chart-note");
    const detail = document.getElementById("event-detail");
    const buttons = document.querySelectorAll("#errors-ranges button[data-range]");
    let range = RANGES[sessionStorage.getItem("candor-errors-range")] ? sessionStorage.getItem("candor-errors-range") : "10m";
    let chart = null, chartKey = "";
    let overlay = null, region = null;
    const markers = new Map(); // event id -> its button
    let xMin = 0, xMax = 0, lastStart = null;
    let journalData = null; // { range, at, counts, events } for the longer ranges
    let latest = null; // the last status and activity, to redraw at once on a range switch
    let loading = null; // { range, promise } while the journal is read
    let selected = null;

    function setRange(r) {
      if (r === range) return;
      range = r;
      sessionStorage.setItem("candor-errors-range", r);
      journalData = null;
      if (latest) update(latest.status, latest.activity).catch(() => {});
    }
    for (const b of buttons) b.addEventListener("click", () => setRange(b.dataset.range));

    function destroy() {
      if (chart) chart.destroy();
      chart = null;
      chartKey = "";
      overlay = null;
      region = null;
      markers.clear();
    }

    function place(u) {
      const width = u.over.clientWidth;
      const start = lastStart === null ? null : u.valToPos(lastStart, "x");
      if (start !== null && start > 0 && lastStart <= xMax) {
        region.hidden = false;
        region.style.width = Math.min(width, start) + "px";
      } else {
        region.hidden = true;
      }
      // Markers close together go to separate lanes (heights), so that each one can be clicked.
      const placed = [...markers.values()].map(m => ({ m, x: u.valToPos(Date.parse(m.dataset.time) / 1000, "x") }))
        .sort((a, b) => a.x - b.x);
      const laneEnds = [];
      for (const { m, x } of placed) {
        m.hidden = x < 0 || x > width;
        // A label that would run past the right edge goes to the left of its marker.
        const labelled = m.classList.contains("labelled");
        const flip = labelled && x + HALF + LABEL_PX > width;
        m.classList.toggle("flip", flip);
        const from = x - HALF - (flip ? LABEL_PX : 0);
        let lane = laneEnds.findIndex(end => from >= end);
        if (lane < 0) lane = laneEnds.length < LANES ? laneEnds.length : 0;
        laneEnds[lane] = x + HALF + (labelled && !flip ? LABEL_PX : 0);
        m.style.left = x + "px";
        m.style.setProperty("--lift", (2 + lane * LANE_PX) + "px");
      }
    }

    function draw(times, series, unit, stepped) {
      const types = Object.keys(series);
      const key = range + "|" + types.join(",");
      const data = [times, ...types.map(t => series[t])];
      if (chart && chartKey !== key) destroy();
      root.dataset.range = range;
      root.dataset.from = new Date(xMin * 1000).toISOString();
      root.dataset.to = new Date(xMax * 1000).toISOString();
      if (!chart) {
        chartKey = key;
        chart = new uPlot({
          width: deps.width("errors-chart"), height: 220,
          // No drag-to-zoom: the range buttons choose the window, and the markers sit inside the plot.
          cursor: { drag: { x: false, y: false, setScale: false } },
          scales: { x: { time: true, range: () => [xMin, xMax] }, y: { range: (u, min, max) => [0, Math.max(1, max || 0)] } },
          series: [{}, ...types.map((t, i) => ({ label: t, stroke: colors[i % colors.length], width: 2,
            fill: colors[i % colors.length] + "22", paths: stepped ? uPlot.paths.stepped({ align: 1 }) : undefined }))],
          axes: [{}, { label: unit }],
          hooks: { draw: [place] },
        }, data, root);
        overlay = el("div", { class: "timeline" });
        region = el("div", { class: "before-start", hidden: true }, el("span", {}, "before the last start"));
        overlay.append(region);
        chart.over.append(overlay);
      } else {
        chart.setData(data);
      }
    }

    function show(e) {
      selected = String(e.id);
      for (const [id, m] of markers) m.classList.toggle("selected", id === selected);
      const facts = Object.entries(e.facts || {});
      detail.replaceChildren(
        el("h3", {}, e.kind, " ", el("small", {}, e.this_run ? "since the last start" : "before the last start")),
        el("p", { class: "when" }, when(e.time)),
        el("p", {}, e.summary),
        el("dl", {},
          ...(e.subject ? [el("dt", {}, "subject"), el("dd", {}, e.subject)] : []),
          ...facts.flatMap(([k, v]) => [el("dt", {}, k),
            el("dd", {}, v === null ? "–" : typeof v === "object" ? JSON.stringify(v) : String(v))])),
        facts.length ? null : el("p", { class: "quiet" }, "No facts recorded."));
      detail.dataset.eventId = e.id;
      detail.dataset.kind = e.kind;
      detail.hidden = false;
    }

    function mark(events) {
      const ids = new Set(events.map(e => String(e.id)));
      for (const [id, m] of markers) {
        if (!ids.has(id)) {
          m.remove();
          markers.delete(id);
        }
      }
      for (const e of events) {
        const id = String(e.id);
        if (markers.has(id)) continue;
        const label = LABELLED[e.kind];
        const kindClass = "kind-" + e.kind.replace(/[^a-z0-9_-]/gi, "");
        const m = el("button", { type: "button", class: "marker " + kindClass + (e.this_run ? "" : " earlier")
            + (label ? " labelled" : "") + (id === selected ? " selected" : ""),
          "data-event-id": id, "data-kind": e.kind, "data-time": e.time, "data-this-run": String(e.this_run),
          "aria-label": e.kind + " at " + new Date(e.time).toLocaleString() + ": " + e.summary,
          title: e.kind + " · " + new Date(e.time).toLocaleString() + "\n" + e.summary },
          el("span", { class: "head" }), label ? el("span", { class: "label" }, label) : null);
        m.addEventListener("click", () => show(e));
        m.addEventListener("focus", () => show(e));
        markers.set(id, m);
        overlay.append(m);
      }
      if (chart) place(chart);
    }

    function describe(text) {
      summary.textContent = text;
      summary.hidden = !text;
    }

    /** Reads the journal's counts and events for range r; one read at a time per range. */
    function load(r) {
      if (loading && loading.range === r) return loading.promise;
      const promise = Promise.all([api("/api/counts?since=" + r), api("/api/events?since=" + r + "&limit=" + EVENTS_LIMIT)])
        .then(([counts, events]) => {
          if (range === r) journalData = { range: r, at: Date.now(), counts, events: events.events };
        })
        .finally(() => {
          if (loading && loading.promise === promise) loading = null;
        });
      loading = { range: r, promise };
      return promise;
    }

    async function update(status, activity) {
      latest = { status, activity };
      const r = RANGES[range];
      const journal = status.journal || { enabled: false };
      lastStart = Date.parse(status.started) / 1000;
      for (const b of buttons) b.setAttribute("aria-pressed", String(b.dataset.range === range));
      note.hidden = !(journal.enabled && !journal.writing);
      note.textContent = journal.enabled && !journal.writing
        ? "The journal cannot be written right now (" + journal.problem + "): the newest counts and events may be missing." : "";

      if (range !== "10m" && !journal.enabled) {
        destroy();
        root.hidden = true;
        describe("");
        off.hidden = false;
        title.textContent = "(" + r.words + ")";
        return;
      }
      off.hidden = true;
      root.hidden = false;

      if (range === "10m") {
        const events = journal.enabled ? (await api("/api/events?since=10m&limit=" + EVENTS_LIMIT)).events : [];
        if (range !== "10m") return;
        xMax = Date.now() / 1000;
        xMin = xMax - r.seconds;
        title.textContent = "(per second, " + r.words + ")";
        draw(activity.time, activity.errors_per_s, "errors / s", false);
        mark(events);
        describe(Object.keys(activity.errors_per_s).length ? ""
          : "No Candor errors in the last 10 minutes" + (journal.enabled ? "." : " (the journal is off: no events either)."));
        return;
      }

      if (!journalData || journalData.range !== range || Date.now() - journalData.at >= r.refreshMs) {
        const shown = range;
        await load(shown);
        if (range !== shown || !journalData) return;
      }
      const { counts, events } = journalData;
      xMax = Date.parse(counts.until) / 1000;
      xMin = xMax - r.seconds;
      title.textContent = "(per " + per(counts.step_s) + ", " + r.words + ", from the journal)";
      // Stepped lines hold each bucket's value until the next bucket starts: one more point closes the last one.
      const n = counts.time.length;
      const times = n ? [...counts.time, counts.time[n - 1] + counts.step_s] : [];
      const series = {};
      for (const [type, values] of Object.entries(counts.errors)) series[type] = n ? [...values, values[n - 1]] : [];
      draw(times, series, "errors / " + per(counts.step_s), true);
      mark(events);
      let failures = 0, requests = 0;
      for (const s of Object.values(counts.errors)) for (const v of s) failures += v;
      for (const v of counts.requests) requests += v;
      describe(failures + " Candor error" + (failures === 1 ? "" : "s") + " in " + requests + " request"
        + (requests === 1 ? "" : "s") + " in the " + r.words + (events.length >= EVENTS_LIMIT
        ? "; only the first " + EVENTS_LIMIT + " events are marked" : "") + ".");
    }

    function resize() {
      if (chart) chart.setSize({ width: deps.width("errors-chart"), height: 220 });
    }

    document.addEventListener("keydown", ev => {
      if (ev.key === "Escape" && !detail.hidden) {
        detail.hidden = true;
        selected = null;
        for (const m of markers.values()) m.classList.remove("selected");
      }
    });

    return { update, resize };
  }

  return { create };
})();
