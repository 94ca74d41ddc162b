/**
 * Disconnection causes (issue 12): a hand-written log whose every stint's end is known, loaded by
 * the bulk path (SQL for regular calls, the state machine for the rest) and by the in-memory
 * parser; both give the hand count.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { disconnectionCauses, loadLogs, openStore, parseLogText, storeParsedLog } from "../../lib/mod.ts";

const T = 1_709_545_800;
const LOG = [
  `${T}|c1|sales|NONE|ENTERQUEUE||5551|1`, `${T + 5}|c1|sales|Agent/1|CONNECT|5|c1.1|2`, `${T + 65}|c1|sales|Agent/1|COMPLETEAGENT|5|60|1`,
  `${T + 1}|c2|sales|NONE|ENTERQUEUE||5552|1`, `${T + 9}|c2|sales|Agent/2|CONNECT|8|c2.1|2`, `${T + 99}|c2|sales|Agent/2|COMPLETECALLER|8|90|1`,
  `${T + 2}|c3|sales|NONE|ENTERQUEUE||5553|2`, `${T + 32}|c3|sales|NONE|ABANDON|2|2|30`,
  `${T + 3}|c4|sales|NONE|ENTERQUEUE||5554|3`, `${T + 303}|c4|sales|NONE|EXITWITHTIMEOUT|1|3|300`,
  `${T + 4}|c5|tech|NONE|ENTERQUEUE||5555|1`, `${T + 14}|c5|tech|Agent/3|CONNECT|10|c5.1|2`, `${T + 44}|c5|tech|Agent/3|BLINDTRANSFER|200|default|10|30|1`,
  `${T + 6}|c6|tech|NONE|ENTERQUEUE||5556|2`, `${T + 16}|c6|tech|Agent/4|CONNECT|10|c6.1|2`,
  `${T + 7}|c7|tech|NONE|ENTERQUEUE||5557|3`,
  `${T + 8}|c8|tech|NONE|ENTERQUEUE||5558|1`, `${T + 18}|c8|tech|NONE|EXITEMPTY|1|1|10`,
  `${T + 9}|c9|tech|NONE|ENTERQUEUE||5559|1`, `${T + 19}|c9|tech|NONE|EXITWITHKEY|5|1|1|10`,
  // Its ENTERQUEUE is before the log: rebuilt by the state machine, still ended by the agent.
  `${T + 90}|c10|sales|Agent/1|COMPLETEAGENT|20|40|1`,
].join("\n") + "\n";

const zero = { agent_hung_up: 0, caller_hung_up: 0, answered_end_unknown: 0, answered_talk_open: 0, transferred: 0, abandoned: 0, timeout: 0, exit_empty: 0, exit_key: 0, withdrawn: 0, open: 0 };
// Hand count of LOG.
const SALES = { ...zero, queue: "sales", stints: 5, agent_hung_up: 2, caller_hung_up: 1, abandoned: 1, timeout: 1 };
const TECH = { ...zero, queue: "tech", stints: 5, transferred: 1, answered_talk_open: 1, open: 1, exit_empty: 1, exit_key: 1 };
const ALL = { ...zero, queue: "All", stints: 10, agent_hung_up: 2, caller_hung_up: 1, abandoned: 1, timeout: 1, transferred: 1, answered_talk_open: 1, open: 1, exit_empty: 1, exit_key: 1 };

describe("disconnectionCauses()", () => {
  it("counts who hung up and how callers left, the same by the bulk loader and the in-memory parser", async () => {
    const f = join(mkdtempSync(join(tmpdir(), "qb-disc-")), "d.queue_log");
    writeFileSync(f, LOG);
    const bulk = await openStore();
    await loadLogs(bulk, [f]);
    const ref = await openStore();
    await storeParsedLog(ref, parseLogText(LOG, f));
    for (const store of [bulk, ref]) {
      const rows = await disconnectionCauses(store);
      expect(rows).toEqual([SALES, TECH, ALL]);
      for (const r of rows) expect(Object.entries(r).filter(([k]) => k !== "queue" && k !== "stints").reduce((s, [, v]) => s + (v as number), 0)).toBe(r.stints);
      const who = await store.query("SELECT call_id, ended_by FROM call_stints WHERE ended_by IS NOT NULL ORDER BY call_id");
      expect(who).toEqual([{ call_id: "c1", ended_by: "agent" }, { call_id: "c10", ended_by: "agent" }, { call_id: "c2", ended_by: "caller" }]);
    }
    // The window applies as to every KPI (stints by entry): from T + 5 s leaves c6…c10 (c10 rebuilt from T + 30).
    const later = await disconnectionCauses(bulk, { from_ms: (T + 5) * 1000 });
    expect(later.at(-1)).toMatchObject({ queue: "All", stints: 5, agent_hung_up: 1, answered_talk_open: 1, open: 1, exit_empty: 1, exit_key: 1 });
    bulk.close();
    ref.close();
  });
});
