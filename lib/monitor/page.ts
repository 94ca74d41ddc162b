/**
 * The monitor's page: HTML, a script and a style sheet served as separate files (the CSP allows
 * no inline script or style). The script writes every value with `textContent`, never as HTML.
 *
 * @module
 */

/** The page (`{{TITLE}}` is replaced, escaped, by the server). */
export const MONITOR_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}}</title>
<link rel="stylesheet" href="/app.css">
<script src="/app.js" defer></script>
</head>
<body>
<header>
  <h1>{{TITLE}}</h1>
  <div class="asof">now <b id="as-of">…</b> · data as of <b id="data-as-of">…</b> · today since <span id="day-start">…</span> · <span id="conn" class="conn">connecting…</span></div>
</header>
<div id="stale" class="banner" hidden></div>
<div id="lost" class="banner lost" hidden>Connection to the monitor lost: reconnecting…</div>
<section id="totals" class="tiles" aria-label="All queues"></section>
<h2>Queues</h2>
<table id="queues"><thead></thead><tbody></tbody></table>
<h2>Waiting calls <span id="waiting-n" class="muted"></span></h2>
<table id="waiting"><thead></thead><tbody></tbody></table>
<h2>Agents <span id="agents-n" class="muted"></span> <label class="muted toggle"><input type="checkbox" id="show-out"> show logged-out agents</label></h2>
<table id="agents"><thead></thead><tbody></tbody></table>
<footer>
  <p id="definitions"></p>
  <p id="feed"></p>
  <details id="rejects-box" hidden><summary id="rejects-title"></summary><ol id="rejects"></ol></details>
  <p id="inputs"></p>
  <details id="input-rejects-box" hidden><summary id="input-rejects-title"></summary><ol id="input-rejects"></ol></details>
</footer>
</body>
</html>
`;

/** The page's script (plain JavaScript, no build step). */
export const MONITOR_JS = String.raw`"use strict";
(() => {
  let state = null;
  let receivedAt = 0;
  const $ = (id) => document.getElementById(id);
  const na = "n/a";
  const pct = (x) => (x === null || x === undefined ? na : (100 * x).toFixed(1) + " %");
  const int = (x) => (x === null || x === undefined ? na : Math.round(x).toLocaleString("en-US"));
  const dur = (s) => {
    if (s === null || s === undefined) return na;
    s = Math.max(0, Math.round(s));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return (h ? h + ":" + String(m).padStart(2, "0") : String(m)) + ":" + String(r).padStart(2, "0");
  };
  /** State order on the agents table: busy first, logged out last. */
  const ORDER = { on_call: 0, ringing: 1, wrap_up: 2, available: 3, paused: 4, logged_out: 5 };
  const time = (iso) => (iso ? iso.slice(11, 19) : na);
  const el = (tag, text, cls) => {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  };
  const table = (id, columns, rows) => {
    const t = $(id);
    const head = el("tr");
    for (const c of columns) head.append(el("th", c[0], c[2] || ""));
    t.tHead.replaceChildren(head);
    const body = rows.map((r) => {
      const tr = el("tr");
      for (const c of columns) {
        const v = c[1](r);
        const td = el("td", v && typeof v === "object" ? v.text : v, c[2] || "");
        if (v && typeof v === "object" && v.cls) td.classList.add(...v.cls.split(" "));
        tr.append(td);
      }
      return tr;
    });
    if (!rows.length) {
      const tr = el("tr");
      const td = el("td", "none", "muted");
      td.colSpan = columns.length;
      tr.append(td);
      body.push(tr);
    }
    t.tBodies[0].replaceChildren(...body);
  };
  const flag = (q, name, text) => ({ text, cls: q.alerts.includes(name) ? "alert" : "" });
  const reasons = (q) => Object.entries(q.paused_by_reason).map(([r, n]) => (r || "no reason") + " " + n).join(", ");
  function render() {
    if (!state) return;
    const s = state;
    const dt = s.clock === "wall" ? Math.max(0, (Date.now() - receivedAt) / 1000) : 0;
    $("as-of").textContent = time(s.as_of);
    $("data-as-of").textContent = s.data_as_of ? s.data_as_of.replace("T", " ") : "no data yet";
    $("day-start").textContent = s.day_start.replace("T", " ");
    const stale = $("stale");
    stale.hidden = !s.stale;
    stale.textContent = s.stale ? "Stale data: the log has not changed for " + dur(s.log_idle_s + dt) + " (over " + s.stale_after_s + " s). Is the telephony server writing it?" : "";
    const t = s.total;
    const tiles = [
      ["waiting", int(t.waiting), t.alerts.includes("longest_wait") ? "alert" : ""],
      ["longest wait", t.longest_wait_s === null ? "–" : dur(t.longest_wait_s + dt), t.alerts.includes("longest_wait") ? "alert" : ""],
      ["offered today", int(t.offered_today), ""], ["answered", int(t.answered_today), ""],
      ["abandoned", int(t.abandoned_today), t.alerts.includes("abandon_rate") ? "alert" : ""],
      ["abandon rate", pct(t.abandon_rate_today), t.alerts.includes("abandon_rate") ? "alert" : ""],
      ["SL today", pct(t.service_level_today), t.alerts.includes("service_level") ? "alert" : t.service_level_target !== null ? "ok" : ""],
      ["SL last " + s.recent_minutes + " min", pct(t.service_level_30m), ""],
      ["ASA", dur(t.asa_s_today), t.alerts.includes("asa") ? "alert" : ""], ["AHT", dur(t.aht_s_today), t.alerts.includes("aht") ? "alert" : ""],
      ["available", int(t.agents_available), ""], ["handling", int(t.agents_handling), ""], ["wrap-up", int(t.agents_wrap_up), ""],
      ["paused", int(t.agents_paused), ""], ["logged in", int(t.agents_logged_in), ""],
    ];
    $("totals").replaceChildren(...tiles.map(([label, value, cls]) => {
      const d = el("div", null, "tile " + cls);
      d.append(el("span", value, "v"), el("span", label, "l"));
      return d;
    }));
    table("queues", [
      ["queue", (q) => q.queue],
      ["waiting", (q) => flag(q, "longest_wait", int(q.waiting)), "n"],
      ["longest wait", (q) => flag(q, "longest_wait", q.longest_wait_s === null ? "–" : dur(q.longest_wait_s + dt)), "n"],
      ["offered", (q) => int(q.offered_today), "n"], ["answered", (q) => int(q.answered_today), "n"],
      ["abandoned", (q) => int(q.abandoned_today), "n"],
      ["abandon rate", (q) => flag(q, "abandon_rate", pct(q.abandon_rate_today)), "n"],
      ["SL today", (q) => (q.service_level_target_threshold_s === null || q.service_level_target_threshold_s === s.sl_threshold_s ? flag(q, "service_level", pct(q.service_level_today)) : pct(q.service_level_today)), "n"],
      // At the report's threshold the value is the SL today column's: the target alone; at another threshold, the value there too.
      ["SL target: today", (q) => (q.service_level_target === null ? ""
        : q.service_level_target_threshold_s === s.sl_threshold_s ? pct(q.service_level_target) + " in " + q.service_level_target_threshold_s + " s"
        : flag(q, "service_level", pct(q.service_level_target) + " in " + q.service_level_target_threshold_s + " s: " + pct(q.service_level_today_at_target))), "n"],
      ["SL " + s.recent_minutes + " min", (q) => pct(q.service_level_30m), "n"],
      ["ASA", (q) => flag(q, "asa", dur(q.asa_s_today)), "n"], ["AHT", (q) => flag(q, "aht", dur(q.aht_s_today)), "n"],
      ["logged in", (q) => int(q.agents_logged_in), "n"], ["available", (q) => int(q.agents_available), "n"],
      ["handling", (q) => int(q.agents_handling), "n"], ["wrap-up", (q) => int(q.agents_wrap_up), "n"],
      ["paused", (q) => int(q.agents_paused), "n"], ["pause reasons", (q) => reasons(q), "wrap"],
    ], s.queues);
    $("waiting-n").textContent = "(" + s.waiting.length + ")";
    table("waiting", [
      ["queue", (w) => w.queue], ["position", (w) => w.position, "n"],
      ["wait", (w) => ({ text: dur(w.wait_s + dt), cls: w.wait_s + dt > s.max_wait_s ? "alert" : "" }), "n"],
      ["caller", (w) => w.caller ?? na], ["stint", (w) => w.stint_no, "n"], ["call id", (w) => w.call_id],
    ], s.waiting);
    const on = s.agents.filter((a) => a.session === "logged_in").length;
    const showOut = $("show-out").checked;
    const shown = s.agents.filter((a) => showOut || a.state !== "logged_out")
      .sort((a, b) => (ORDER[a.state] ?? 9) - (ORDER[b.state] ?? 9) || a.agent.localeCompare(b.agent));
    $("agents-n").textContent = "(" + on + " logged in of " + s.agents.length + " known" + (showOut ? "" : "; " + (s.agents.length - shown.length) + " logged out hidden") + ")";
    table("agents", [
      ["agent", (a) => a.agent], ["name", (a) => a.name ?? ""], ["team", (a) => a.team ?? ""],
      ["state", (a) => ({ text: a.state.replace("_", " "), cls: "st st-" + a.state })],
      ["work", (a) => a.work.replace("_", " ")], ["pause reason", (a) => (a.pause_reason === null ? "" : a.pause_reason || "no reason")],
      ["in state", (a) => (a.time_in_state_s === null ? na : dur(a.time_in_state_s + dt)), "n"],
      ["queue", (a) => a.queue ?? ""], ["caller", (a) => a.caller ?? ""],
      ["calls today", (a) => int(a.calls_today), "n"],
      ["since last call", (a) => (a.minutes_since_last_call === null ? "" : dur(a.minutes_since_last_call * 60 + dt)), "n"],
      ["scheduled", (a) => (a.scheduled ?? "").replace("_", " ")],
      ["adherence", (a) => (a.adherent === null ? { text: "" } : { text: a.adherent ? "in" : "out", cls: a.adherent ? "ok" : "alert" })],
    ], shown);
    const wrap = Object.entries(s.wrapup.by_queue).map(([q, v]) => q + " " + v + " s");
    $("definitions").textContent = "Service level " + s.sl_variant + " = " + s.sl_formula + ", answered within " + s.sl_threshold_s +
      " s; today = calls that entered since " + s.day_start.replace("T", " ") + " (reset at " + s.reset_at + ", " + s.time_zone + "); answered counted at CONNECT; " +
      "longest wait flagged over " + s.max_wait_s + " s; wrap-up assumed: " + (wrap.length ? wrap.join(", ") + ", others " + s.wrapup.others_s + " s" : s.wrapup.others_s + " s") +
      "; clock: " + (s.clock === "wall" ? "this machine's" : "the log's latest event") + ". Offered = calls that entered today and were answered or left " +
      "(the calls waiting now count once answered or gone, as in the historical reports). An agent who is a member of several queues counts in each queue's " +
      "agent columns and once in the tiles. Durations are h:mm:ss or m:ss; – in longest wait: nobody waiting; adherence is blank without a schedule now " +
      "and for on-call standby. Same definitions as the historical reports." +
      (s.targets_not_live.length ? " Targets not judged live (see qb targets): " + s.targets_not_live.map((t) => t.kpi + " of " + t.scope_type + " " + t.scope).join(", ") + "." : "");
    const c = s.lines;
    $("feed").textContent = "Source " + s.source + ": " + c.lines_read + " lines in the window = " + c.used + " used + " + c.ignored + " ignored + " + c.rejected + " rejected" +
      (c.restarts ? "; the file was rotated or truncated " + c.restarts + " time(s)" : "") + " · update #" + s.seq;
    const box = $("rejects-box");
    box.hidden = !s.recent_rejects.length;
    $("rejects-title").textContent = c.rejected + " rejected line(s); the latest:";
    $("rejects").replaceChildren(...s.recent_rejects.map((r) => el("li", r.reason)));
    const inputs = s.inputs || [];
    $("inputs").textContent = inputs.map((i) => i.kind + " " + i.source + ": " + i.lines_read + " lines = " + i.used + " used + " + i.ignored + " ignored + " + i.rejected + " rejected").join(" · ");
    const bad = inputs.flatMap((i) => i.rejects);
    $("input-rejects-box").hidden = !bad.length;
    $("input-rejects-title").textContent = inputs.reduce((n, i) => n + i.rejected, 0) + " rejected row(s) in the roster, schedules or targets" +
      (bad.length < inputs.reduce((n, i) => n + i.rejected, 0) ? " (the first " + bad.length + " shown)" : "") + ":";
    $("input-rejects").replaceChildren(...bad.map((r) => el("li", r.reason)));
  }
  function connect() {
    const es = new EventSource("/events");
    es.addEventListener("state", (ev) => {
      state = JSON.parse(ev.data);
      receivedAt = Date.now();
      $("lost").hidden = true;
      $("conn").textContent = state.stale ? "connected, data stale" : "live";
      $("conn").className = state.stale ? "conn" : "conn live";
      render();
    });
    es.addEventListener("open", () => {
      $("lost").hidden = true;
    });
    es.addEventListener("error", () => {
      $("lost").hidden = false;
      $("conn").textContent = "reconnecting…";
      $("conn").className = "conn";
    });
  }
  $("show-out").addEventListener("change", render);
  connect();
  setInterval(render, 1000);
})();
`;

/** The page's style sheet. */
export const MONITOR_CSS = `
:root { color-scheme: light; --fg: #1d2430; --muted: #6b7380; --line: #dde1e6; --alert: #b3261e; --alert-bg: #fde7e4; --ok: #1b6e3c; }
* { box-sizing: border-box; }
body { font: 13px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); margin: 0 auto; padding: 12px 18px 30px; max-width: 1600px; }
header { display: flex; align-items: baseline; justify-content: space-between; gap: 16px; flex-wrap: wrap; }
h1 { font-size: 20px; margin: 0 0 6px; }
h2 { font-size: 15px; margin: 18px 0 6px; }
.asof { color: var(--muted); }
.conn { padding: 1px 6px; border-radius: 8px; background: #eee; }
.conn.live { background: #dff3e6; color: var(--ok); }
.banner { margin: 8px 0; padding: 8px 12px; border-radius: 6px; background: #fff4d6; border: 1px solid #e8c66a; font-weight: 600; }
.banner.lost { background: var(--alert-bg); border-color: #e3a59f; color: var(--alert); }
.tiles { display: grid; grid-template-columns: repeat(8, 1fr); gap: 6px; margin-top: 8px; }
.tile { border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; display: flex; flex-direction: column; }
.tile .v { font-size: 20px; font-weight: 650; font-variant-numeric: tabular-nums; }
.tile .l { color: var(--muted); font-size: 12px; }
.tile.alert { background: var(--alert-bg); border-color: #e3a59f; color: var(--alert); }
.tile.ok .v { color: var(--ok); }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 5px; text-align: left; white-space: nowrap; }
th { font-weight: 600; color: var(--muted); font-size: 12px; position: sticky; top: 0; background: #fff; }
td.wrap, th.wrap { white-space: normal; }
#queues th { white-space: normal; vertical-align: bottom; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.alert { background: var(--alert-bg); color: var(--alert); font-weight: 600; }
td.ok { color: var(--ok); }
.muted { color: var(--muted); font-weight: normal; }
.toggle { font-size: 12px; margin-left: 12px; }
.st { font-weight: 600; }
.st-available { color: #1b6e3c; } .st-on_call { color: #174ea6; } .st-ringing { color: #a15c00; }
.st-wrap_up { color: #6a3ea1; } .st-paused { color: #b3261e; } .st-logged_out { color: #9aa0a6; }
footer { margin-top: 16px; color: var(--muted); font-size: 12px; }
footer p { margin: 4px 0; }
`;
