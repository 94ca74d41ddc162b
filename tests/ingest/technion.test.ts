import { describe, expect, it } from "vitest";
import { gunzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { parseLogFile, parseLogText, queueKpis } from "../../lib/mod.ts";
import { BANK, storeWith } from "../_helpers.ts";

/**
 * Independent computation for the test: reads the raw file with plain string splitting (no
 * DuckDB, no time zones) and applies the published rules of the format: queue = `type`;
 * AGENT rows are answered with wait `q_time` (0 when `q_start` is 0:00:00); HANG rows with a
 * `q_start` are abandons with wait `q_time`; other rows are not offered.
 */
function independentByQueue(T: number) {
  const text = new TextDecoder().decode(gunzipSync(readFileSync(BANK)));
  const rows = text.split("\r\n").slice(1).filter((l) => l !== "").map((l) => l.split("\t"));
  const q: Record<string, { off: number; ans: number; ab: number; ansT: number; abT: number; waitAns: number }> = {};
  for (const r of rows) {
    const [type, qStart, qTime, outcome] = [r[4]!, r[9]!, Number(r[11]), r[12]!];
    const queued = qStart !== "0:00:00";
    if (!(outcome === "AGENT" || (outcome === "HANG" && queued))) continue;
    const wait = queued ? qTime : 0;
    const g = (q[type] ??= { off: 0, ans: 0, ab: 0, ansT: 0, abT: 0, waitAns: 0 });
    g.off++;
    if (outcome === "AGENT") {
      g.ans++;
      g.waitAns += wait;
      if (wait <= T) g.ansT++;
    } else {
      g.ab++;
      if (wait <= T) g.abT++;
    }
  }
  return { rows, q };
}

describe("Technion Anonymous Bank, January 1999", () => {
  it("accounts for all 31,599 records: 27,060 AGENT, 4,299 HANG (3,101 in queue, 1,198 IVR-only), 240 PHANTOM", () => {
    const c = parseLogFile(BANK).counts;
    expect(c.lines_read).toBe(31_600); // header + 31,599 records
    expect(c.used).toBe(30_161); // offered = 27,060 AGENT + 3,101 HANG in queue
    expect(c.ignored_by_rule).toEqual({ header: 1, ivr_only_hangup: 1_198, phantom_record: 240 });
    expect(c.rejected).toBe(0);
    expect(c.lines_read).toBe(c.used + c.ignored + c.rejected);
  });

  it("reads the same from plain LF text as from the gzipped CRLF file", () => {
    const text = new TextDecoder().decode(gunzipSync(readFileSync(BANK))).replaceAll("\r\n", "\n");
    const lf = parseLogText(text, "january.txt");
    expect([lf.counts.used, lf.counts.ignored, lf.stints.length]).toEqual([30_161, 1_439, 30_161]);
  });

  it("gives per-queue V1–V4, ASA and abandonment equal to an independent computation", async () => {
    const T = 20;
    const { q } = independentByQueue(T);
    const store = await storeWith([BANK]);
    const rows = await queueKpis(store, ["queue"], { timeZone: "Asia/Jerusalem", sl_threshold_s: T });
    expect(rows.map((r) => r.queue).sort()).toEqual(Object.keys(q).sort());
    let offered = 0;
    for (const r of rows) {
      const g = q[r.queue!]!;
      offered += r.offered;
      expect([r.offered, r.answered, r.abandoned]).toEqual([g.off, g.ans, g.ab]);
      expect(r.service_level_v1).toBeCloseTo(g.ansT / g.off, 12);
      expect(r.service_level_v3).toBeCloseTo(g.ansT / g.ans, 12);
      expect(r.service_level_v4).toBeCloseTo((g.ansT + g.abT) / g.off, 12);
      expect(r.asa_s).toBeCloseTo(g.waitAns / g.ans, 9);
      expect(r.abandon_rate).toBeCloseTo(g.ab / g.off, 12);
    }
    expect(offered).toBe(30_161);
    // Hand check on the largest queue, PS: 22,033 offered of which 1,659 abandoned.
    const ps = rows.find((r) => r.queue === "PS")!;
    expect([ps.offered, ps.abandoned]).toEqual([22_033, 1_659]);
    store.close();
  });

  it("gives V2 with short abandons (≤ 5 s) removed, checked by direct SQL on the raw file", async () => {
    const store = await storeWith([BANK]);
    const [direct] = await store.query<{ ansT: number; off: number; abS: number }>(`
      SELECT count(*) FILTER (outcome = 'AGENT' AND (CASE WHEN q_start = '0:00:00' THEN 0 ELSE q_time END) <= 20) AS "ansT",
             count(*) AS off,
             count(*) FILTER (outcome = 'HANG' AND q_time <= 5) AS "abS"
      FROM read_csv('${BANK}', delim = '\t', header = true, all_varchar = false, types = {'q_time': 'INTEGER'})
      WHERE outcome = 'AGENT' OR (outcome = 'HANG' AND q_start <> '0:00:00')`);
    const [total] = await queueKpis(store, [], { timeZone: "Asia/Jerusalem" });
    expect(total!.offered).toBe(direct!.off);
    expect(total!.service_level_v2).toBeCloseTo(direct!.ansT / (direct!.off - direct!.abS), 12);
    store.close();
  });

  it("answers calls that did not queue with wait 0 and clamps the 1-second clock offset", () => {
    const parsed = parseLogFile(BANK);
    // Record 33119 (PS, 1 Jan): no queue, vru_exit 7:41:26, ser_start 7:41:25 (one second early).
    const s = parsed.stints.find((x) => x.call_id === "33119")!;
    expect([s.outcome, s.wait_s, s.agent, s.talk_s]).toEqual(["answered", 0, "BASCH", 208]);
    // 7:41:26 Asia/Jerusalem (UTC+2 in January) = 05:41:26Z.
    expect(new Date(s.answered_at!).toISOString()).toBe("1999-01-01T05:41:26.000Z");
    expect(parsed.counts.notes.clock_offset_clamped).toBeGreaterThan(0);
  });
});
