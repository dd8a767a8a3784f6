// Candor dashboard: polls the admin API every 2 s and redraws. Plain DOM; charts by uPlot (vendored).
"use strict";
(function () {
  const REFRESH_MS = 2000;
  const TICK_S = 2;
  const COLORS = ["#c62828", "#ef6c00", "#6a1b9a", "#00838f", "#2e7d32", "#ad1457", "#4e342e", "#283593",
                  "#9e9d24", "#37474f"];
  let token = sessionStorage.getItem("candor-admin-token");
  let trafficChart = null;
  const open = new Set(); // request ids whose evidence is shown

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v;
      else if (k.startsWith("data-") || k.startsWith("aria-")) e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const c of children) {
      if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
    }
    return e;
  }

  async function api(path) {
    const headers = token ? { "Authorization": "Bearer " + token } : {};
    const r = await fetch(path, { headers, cache: "no-store" });
    if (r.status === 401) {
      document.getElementById("login").hidden = false;
      throw new Error("token needed");
    }
    if (!r.ok) throw new Error(path + ": " + r.status);
    return r.json();
  }

  function ms(v) {
    if (v === null || v === undefined) return "–";
    return v < 10 ? v.toFixed(2) + " ms" : v < 1000 ? v.toFixed(0) + " ms" : (v / 1000).toFixed(2) + " s";
  }

  function ago(iso) {
    if (!iso) return "";
    const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (s < 90) return s + " s ago";
    if (s < 5400) return Math.round(s / 60) + " min ago";
    return Math.round(s / 3600) + " h ago";
  }

  function duration(s) {
    const h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60);
    return h > 0 ? h + " h " + m + " min" : m > 0 ? m + " min " + (s % 60) + " s" : s + " s";
  }

  function renderStatus(s) {
    document.getElementById("version").textContent = "v" + s.version;
    document.getElementById("uptime").textContent = "up " + duration(s.uptime_s);
    const c = s.config;
    let text = c.file ? c.file + " (sha256 " + (c.sha256 || "?").slice(0, 12) + ")" : "built-in config";
    if (c.last_reload) {
      text += c.last_reload.ok ? " · reloaded " + ago(c.last_reload.time)
                               : " · last reload REFUSED " + ago(c.last_reload.time);
    }
    document.getElementById("config").textContent = text;
    document.getElementById("clients").textContent = s.client_connections;
    document.getElementById("tunnels").textContent = s.tunnels_open;
  }

  function renderUpstreams(data) {
    const root = document.getElementById("upstreams");
    const sections = [];
    for (const u of data.upstreams) {
      const rows = u.endpoints.map(e => {
        const why = el("td", { class: "why" });
        if (e.state === "unhealthy") {
          // The error type, since when, and what the latest probe saw.
          why.append(e.error ? el("span", { class: "type" }, e.error) : "failing checks",
            " since " + new Date(e.since).toLocaleTimeString() + " (" + ago(e.since) + ")",
            e.last_check && e.last_check.detail ? "; last check: " + e.last_check.detail : "");
        } else if (e.state !== "healthy") {
          why.append(e.why);
        } else {
          why.append(e.last_check ? (e.last_check.ok ? "last check passed " + ago(e.last_check.time)
                                                     : "last check failed: " + (e.last_check.error || e.last_check.detail))
                                  : "no active check");
        }
        const errs = Object.entries(e.errors).map(([t, n]) => t + " " + n).join(", ");
        return el("tr", { "data-endpoint": e.address, "data-state": e.state },
          el("td", {}, e.address, e.configured !== e.address ? el("div", { class: "quiet" }, e.configured) : null),
          el("td", {}, el("span", { class: "state " + e.state }, e.state)),
          why,
          el("td", { class: "num" }, e.in_flight),
          el("td", { class: "num" }, e.active_connections + " / " + e.idle_connections),
          el("td", { class: "num" }, e.requests),
          el("td", {}, errs),
          el("td", { class: "num" }, ms(e.latency_ms.p50) + " / " + ms(e.latency_ms.p99)));
      });
      sections.push(el("div", { class: "upstream", "data-upstream": u.name },
        el("h3", {}, u.name, el("small", {}, u.healthy_endpoints + " of " + u.endpoints.length
          + " endpoints in rotation · " + u.balancer)),
        el("table", { class: "grid" },
          el("thead", {}, el("tr", {}, ...["endpoint", "state", "why", "in flight", "active / idle conns",
            "attempts", "errors", "p50 / p99"].map(h => el("th", {}, h)))),
          el("tbody", {}, ...rows))));
    }
    root.replaceChildren(...sections);
  }

  function evidence(f) {
    const attempts = el("table", { class: "grid" },
      el("thead", {}, el("tr", {}, ...["#", "endpoint", "address", "error", "connection", "timings (ms since arrival)", "detail"]
        .map(h => el("th", {}, h)))),
      el("tbody", {}, ...f.attempts.map(a => el("tr", {},
        el("td", {}, a.number + (a.transparent_retry ? " (stale retry)" : "")),
        el("td", {}, a.endpoint),
        el("td", {}, a.address || "–"),
        el("td", {}, a.error ? el("span", { class: "type" }, a.error) : (a.status ? "status " + a.status : "ok")),
        el("td", {}, a.connection ? (a.connection.reused ? "reused after " + a.connection.requests_before
          + " requests, idle " + a.connection.idle_ms + " ms" : "new") + (a.connection.closed_by ? ", closed by "
          + a.connection.closed_by : "") : "none"),
        el("td", {}, Object.entries(a.timings_ms).filter(([, v]) => v !== null).map(([k, v]) => k + " " + v).join(", ")),
        el("td", {}, a.detail || "")))));
    return el("div", { class: "evidence", "data-evidence": f.request_id },
      el("dl", {},
        el("dt", {}, "request id"), el("dd", {}, f.request_id),
        el("dt", {}, "explanation"), el("dd", {}, f.explanation),
        f.limit ? el("dt", {}, "limit") : null, f.limit ? el("dd", {}, f.limit) : null,
        f.confirm ? el("dt", {}, "confirm with") : null, f.confirm ? el("dd", {}, el("code", {}, f.confirm)) : null,
        f.cause ? el("dt", {}, "cause") : null,
        f.cause ? el("dd", {}, [f.cause.phase, f.cause.actor, f.cause.signal, f.cause.os_error].filter(Boolean).join(" · ")) : null),
      f.attempts.length ? attempts : el("p", { class: "quiet" }, "No attempt reached an upstream."),
      el("h4", {}, "trace"), el("pre", {}, f.trace));
  }

  function renderErrors(data) {
    const body = document.querySelector("#errors tbody");
    const rows = [];
    for (const f of data.errors) {
      const row = el("tr", { class: "failure", "data-error": f.error, "data-request-id": f.request_id },
        el("td", {}, new Date(f.time).toLocaleTimeString()),
        el("td", {}, f.status),
        el("td", {}, el("span", { class: "type" }, f.error)),
        el("td", {}, (f.method || "") + " " + (f.host || "") + (f.uri || "")),
        el("td", {}, f.upstream ? f.upstream + (f.endpoint ? " / " + f.endpoint : "") : "–"),
        el("td", {}, f.detail || ""));
      row.addEventListener("click", () => {
        if (open.has(f.request_id)) open.delete(f.request_id); else open.add(f.request_id);
        renderErrors(data);
      });
      rows.push(row);
      if (open.has(f.request_id)) rows.push(el("tr", { class: "evidence" }, el("td", { colSpan: 6 }, evidence(f))));
    }
    body.replaceChildren(...rows);
    document.getElementById("errors-empty").hidden = data.errors.length > 0;
  }

  function chartWidth(id) {
    return Math.max(300, document.getElementById(id).parentElement.clientWidth - 32);
  }

  function renderActivity(a) {
    const n = a.time.length;
    const last = n ? a.requests_per_s[n - 1] : null;
    document.getElementById("rate").textContent = last === null ? "–" : last.toFixed(1);
    document.getElementById("p50").textContent = ms(n ? a.p50_ms[n - 1] : null);
    document.getElementById("p99").textContent = ms(n ? a.p99_ms[n - 1] : null);
    let minute = 0;
    for (const series of Object.values(a.errors_per_s)) {
      for (const v of series.slice(-60 / TICK_S)) minute += v * TICK_S;
    }
    document.getElementById("errors-minute").textContent = Math.round(minute);

    const trafficData = [a.time, a.requests_per_s, a.p50_ms, a.p99_ms];
    if (!trafficChart) {
      trafficChart = new uPlot({
        width: chartWidth("traffic-chart"), height: 220,
        scales: { x: { time: true }, ms: {} },
        series: [{},
          { label: "requests / s", stroke: "#1565c0", width: 2 },
          { label: "p50 ms", stroke: "#2e7d32", width: 1.5, scale: "ms", spanGaps: true },
          { label: "p99 ms", stroke: "#ef6c00", width: 1.5, scale: "ms", spanGaps: true }],
        axes: [{}, { label: "requests / s" }, { scale: "ms", side: 1, label: "ms", grid: { show: false } }],
      }, trafficData, document.getElementById("traffic-chart"));
    } else {
      trafficChart.setData(trafficData);
    }
  }

  async function refresh() {
    const live = document.getElementById("live");
    try {
      const [status, upstreams, errors, activity] = await Promise.all([
        api("/api/status"), api("/api/upstreams"), api("/api/errors?limit=25"), api("/api/activity")]);
      renderStatus(status);
      renderUpstreams(upstreams);
      renderErrors(errors);
      renderActivity(activity);
      await errorsChart.update(status, activity);
      live.classList.remove("stale");
      live.textContent = "live";
    } catch (e) {
      live.classList.add("stale");
      live.textContent = "not updating: " + e.message;
    }
  }

  document.getElementById("login").addEventListener("submit", ev => {
    ev.preventDefault();
    token = document.getElementById("token").value;
    sessionStorage.setItem("candor-admin-token", token);
    document.getElementById("login").hidden = true;
    refresh();
  });
  window.addEventListener("resize", () => {
    errorsChart.resize();
    if (trafficChart) trafficChart.setSize({ width: chartWidth("traffic-chart"), height: 220 });
  });

  const errorsChart = window.CandorErrorsChart.create({ el, api, colors: COLORS, width: chartWidth });
  refresh();
  setInterval(refresh, REFRESH_MS);
})();
