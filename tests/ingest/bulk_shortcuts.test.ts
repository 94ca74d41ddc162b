/**
 * The shortcuts of the bulk load path (issue 8, session 8) give exactly what the full rules give:
 * - the plain-line pattern: a line it matches passes every check, so skipping the checks for it
 *   changes nothing (random lines near every limit, parsed with and without the shortcut);
 * - the queue check of a visit by 64-bit hashes equals the check by names;
 * - native events stored without their data list (read back from `raw`) rebuild the same stints
 *   as events stored with it (databases written before the change).
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadLogs, openStore, queueKpis } from "../../lib/mod.ts";
import { nativeParseSql } from "../../lib/ingest/parse_sql.ts";
import { visitsSql } from "../../lib/ingest/stints_sql.ts";
import { AGENT_EVENTS, CALL_EVENTS, INFO_EVENTS, OUTBOUND_EVENTS, SYSTEM_EVENTS } from "../../lib/ingest/queue_log_verbs.ts";
import { generateQueueLog } from "../../bench/gen_queue_log.ts";

const dir = mkdtempSync(join(tmpdir(), "qb-shortcuts-"));

/** A small deterministic generator (mulberry32), so a failure names its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Values at and around every limit and every rule: epoch 2200 is 7,258,118,400 s; 30 days are
// 2,592,000 s or 2,592,000,000 ms; NONE and its prefixes; white space; decimals' corner cases.
const TIMES = ["1709545800", "1709545800.5", "6999999999", "7258118400", "7258118401", "99999999999", " 1709545800", "", "x", "1.", ".5", "+1709545800", "1e9"];
// Unicode spaces too (DuckDB's trim strips U+00A0, U+2003, U+3000): the hostile sweep of session 8 found them passing the shortcut.
const IDS = ["", "NONE", " NONE", "NONE ", "N", "NO", "NON", "NONEX", "xNONE", "1709545800.12", "a b", " a", "\t", "q1", "Agent/1001",
  "\u00a0", "NONE\u00a0", "\u00a0NONE", "\u3000", "\u2003x", "c1\t", "NONE\t", "\u2028", "é", "NO\u00a0NE"];
const NUMS = ["", "0", "7", "123456", "999999", "1000000", "2592000", "2592001", "999999999", "2592000000", "2592000001", "1.5", "1.", ".5", "+1", "-1", "1e3", " 5", "5 ", "x", "LINK", "link", "12.123456", "12.1234567", "1_000"];
const VERBS = [...CALL_EVENTS, ...AGENT_EVENTS, ...OUTBOUND_EVENTS, ...SYSTEM_EVENTS, ...INFO_EVENTS, "BOGUS_VERB", "lowercase", " CONNECT", "CONNECT ", ""];

function randomLine(r: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const data = Array.from({ length: Math.floor(r() * 8) }, () => pick(NUMS));
  const fields = [pick(TIMES), pick(IDS), pick(IDS), pick(IDS), pick(VERBS), ...data];
  return fields.slice(0, r() < 0.05 ? Math.floor(r() * 5) : fields.length).join("|");
}

describe("bulk load shortcuts", () => {
  it("parses random lines near every limit exactly as the full checks do (property, 20,000 lines)", async () => {
    const r = rng(8);
    const lines = Array.from({ length: 20_000 }, () => randomLine(r));
    const store = await openStore();
    await store.exec("CREATE TABLE lines_raw (l VARCHAR); CREATE TABLE fast AS SELECT * FROM events LIMIT 0; CREATE TABLE full_ AS SELECT * FROM events LIMIT 0");
    await store.insert("lines_raw", lines.map((l) => ({ l: l === "" ? null : l })), [{ name: "l", type: "VARCHAR" }]);
    await store.exec(nativeParseSql("src", "lines_raw", "fast", true));
    await store.exec(nativeParseSql("src", "lines_raw", "full_", false));
    const diff = await store.query(`
      SELECT f.line, f.raw, f.status AS fast_status, g.status AS full_status, f.reason AS fast_reason, g.reason AS full_reason
      FROM fast f JOIN full_ g USING (line)
      WHERE f.status IS DISTINCT FROM g.status OR f.reason IS DISTINCT FROM g.reason OR f.at_ms IS DISTINCT FROM g.at_ms
        OR f.call_id IS DISTINCT FROM g.call_id OR f.queue IS DISTINCT FROM g.queue OR f.agent IS DISTINCT FROM g.agent
        OR f.event IS DISTINCT FROM g.event OR f.raw IS DISTINCT FROM g.raw LIMIT 5`);
    expect(diff).toEqual([]);
    // The sample reaches both sides of the rules: plenty of accepted and rejected lines, and
    // rejects of every field the checks name.
    const by = await store.query<{ status: string; n: number }>("SELECT status, count(*)::INTEGER AS n FROM fast GROUP BY ALL");
    const n = (s: string) => by.find((x) => x.status === s)?.n ?? 0;
    expect(n("call") + n("agent") + n("outbound")).toBeGreaterThan(500);
    expect(n("reject")).toBeGreaterThan(5_000);
    // (The parse stores the bad field's name; the message is written after it.)
    const fieldsNamed = await store.query<{ f: string }>("SELECT DISTINCT reason AS f FROM fast WHERE status = 'reject' ORDER BY 1");
    expect(fieldsNamed.map((x) => x.f)).toEqual(expect.arrayContaining(["agent", "callid", "data1", "data2", "data3", "event", "fields", "queue", "time"]));
    store.close();
  });

  it("accepts and rejects hand-picked lines on both sides of each limit", async () => {
    const T = 1709545800;
    const cases: [string, string][] = [
      [`${T}|c1|q1|Agent/1|CONNECT|999999|x|3`, "call"], // plain: 6 digits
      [`${T}|c1|q1|Agent/1|CONNECT|2592000|x|3`, "call"], // 7 digits, at the limit: the full checks accept it
      [`${T}|c1|q1|Agent/1|CONNECT|2592001|x|3`, "reject data1"], // over 30 days
      [`${T}|c1|q1|SIP/1|RINGNOANSWER|2592000000`, "agent"], // 30 days in ms is allowed …
      [`${T}|c1|q1|NONE|RINGNOANSWER|2592000000`, "reject agent"], // … but here the agent is missing
      [`7258118400|c1|q1|NONE|ENTERQUEUE||555|1`, "call"], // 2200-01-01 exactly
      [`7258118401|c1|q1|NONE|ENTERQUEUE||555|1`, "reject time"],
      [`${T}|NONEX|q1|NONE|ENTERQUEUE||555|1`, "call"], // a call id that starts like NONE
      [`${T}|NONE |q1|NONE|ENTERQUEUE||555|1`, "reject callid"], // NONE once trimmed
      [`${T}|c1|q1|NONE|ENTERQUEUE||555|1.`, "reject data3"],
      [`${T}|\u00a0|q1|NONE|ENTERQUEUE||555|1`, "reject callid"], // a no-break space trims to nothing (hostile sweep, session 8)
      [`${T}|c1|NONE\u00a0|NONE|ENTERQUEUE||555|1`, "reject queue"],
    ];
    const store = await openStore();
    await store.exec("CREATE TABLE lines_raw (l VARCHAR); CREATE TABLE out AS SELECT * FROM events LIMIT 0");
    await store.insert("lines_raw", cases.map(([l]) => ({ l })), [{ name: "l", type: "VARCHAR" }]);
    await store.exec(nativeParseSql("src", "lines_raw", "out"));
    const rows = await store.query<{ status: string; reason: string | null }>("SELECT status, reason FROM out ORDER BY line");
    // (The parse stores the bad field's name; the message is written after it.)
    expect(rows.map((x) => x.status === "reject" ? `reject ${x.reason}` : x.status)).toEqual(cases.map(([, w]) => w));
    store.close();
  });

  it("judges a visit's queue by hashes exactly as by names (generated log, transfers between queues)", async () => {
    const file = join(dir, "gen.log");
    generateQueueLog(3_000, file, 21);
    const store = await openStore();
    await loadLogs(store, [file]);
    const rows = await store.query<{ n: number }>("SELECT count(*)::INTEGER AS n FROM events WHERE status IN ('call', 'outbound')");
    await store.exec(visitsSql("events", null, rows[0]!.n, undefined, false).replaceAll("TEMP TABLE visits", "TEMP TABLE v_hash"));
    await store.exec(visitsSql("events", null, rows[0]!.n, undefined, true).replaceAll("TEMP TABLE visits", "TEMP TABLE v_name"));
    // A call whose events name two queues: a CONNECT in another queue than its ENTERQUEUE.
    await store.exec(`CREATE TABLE moved AS SELECT * FROM events WHERE status = 'call' AND call_id = (SELECT min(call_id) FROM events WHERE event = 'CONNECT');
      UPDATE moved SET queue = queue || '-other' WHERE event = 'CONNECT'`);
    await store.exec(visitsSql("moved", null, 3, undefined, false).replaceAll("TEMP TABLE visits", "TEMP TABLE m_hash"));
    const [m] = await store.query<{ regular: boolean }>("SELECT regular FROM m_hash");
    expect(m!.regular).toBe(false);
    const d = await store.query<{ n: number; diff: number; regular: number }>(`
      SELECT count(*)::INTEGER AS n, count(*) FILTER (h.regular <> v.regular OR h.q IS DISTINCT FROM v.q)::INTEGER AS diff,
        count(*) FILTER (h.regular)::INTEGER AS regular
      FROM v_hash h JOIN v_name v USING (call_id)`);
    expect(d[0]!.diff).toBe(0);
    expect(d[0]!.n).toBeGreaterThan(2_900);
    expect(d[0]!.regular).toBeGreaterThan(2_000);
    store.close();
  });

  it("rebuilds from events stored with their data list (older databases) as from events without it", async () => {
    const db = join(dir, "old.db");
    // Two files of one call each way: the second file's load rebuilds the calls it shares with the first.
    const T = 1709545800;
    writeFileSync(join(dir, "a.log"), [
      `${T}|c1|sales|NONE|ENTERQUEUE||555|1`, `${T + 10}|c1|sales|Agent/1|CONNECT|10|c1.1|2`,
      `${T + 20}|c2|sales|NONE|ENTERQUEUE||556|1`, `${T + 25}|c2|sales|Agent/2|PAUSE|lunch`, "",
    ].join("\n"));
    writeFileSync(join(dir, "b.log"), [
      `${T + 70}|c1|sales|Agent/1|COMPLETECALLER|10|60|1`, `${T + 80}|c2|sales|NONE|ABANDON|1|1|60`, "",
    ].join("\n"));
    const kpis = async (rewrite: boolean) => {
      const store = await openStore(`${db}.${rewrite}`);
      await loadLogs(store, [join(dir, "a.log")]);
      if (rewrite) await store.exec("UPDATE events SET data = string_split(raw, '|')[6:] WHERE data IS NULL AND status IN ('call', 'agent', 'outbound')");
      const [{ n }] = await store.query<{ n: number }>("SELECT count(*)::INTEGER AS n FROM events WHERE data IS NOT NULL") as [{ n: number }];
      await loadLogs(store, [join(dir, "b.log")]);
      const out = { with_data: n, queue: await queueKpis(store, ["queue"]), stints: await store.query("SELECT call_id, outcome, wait_s, talk_s, agent, caller FROM call_stints ORDER BY call_id") };
      store.close();
      return out;
    };
    const now = await kpis(false), old = await kpis(true);
    expect(now.with_data).toBe(0);
    expect(old.with_data).toBe(4);
    expect(old.stints).toEqual(now.stints);
    expect(old.queue).toEqual(now.queue);
    // Hand count: c1 answered after 10 s, talked 60 s; c2 abandoned after 60 s.
    expect(now.stints).toEqual([
      { call_id: "c1", outcome: "answered", wait_s: 10, talk_s: 60, agent: "Agent/1", caller: "555" },
      { call_id: "c2", outcome: "abandoned", wait_s: 60, talk_s: null, agent: null, caller: "556" },
    ]);
  });
});
