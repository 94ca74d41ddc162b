/**
 * The `--from/--to` window of every indicator (issue 10: "add the window to every existing KPI
 * function and command"): stints count by entry time, agent events by their instant.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { agentKpis, loadLogs, openStore, queueKpis } from "../../lib/mod.ts";
import { ROOT } from "../_helpers.ts";

const T = Date.UTC(2026, 2, 2, 9, 0, 0) / 1000; // Monday 2 March 2026, 09:00 UTC
const dir = mkdtempSync(join(tmpdir(), "qb-window-"));
const log = join(dir, "three_hours.queue_log");
// One call per hour at 09:00, 10:00, 11:00 (answered after 10, 30, 50 s), and a ring-no-answer at 10:00:05.
writeFileSync(log, [0, 1, 2].flatMap((h) => {
  const t = T + h * 3600, w = 10 + 20 * h;
  return [`${t}|c${h}|q|NONE|ENTERQUEUE||1|1`, `${t + w}|c${h}|q|Agent/a|CONNECT|${w}|c${h}.1|2`, `${t + w + 60}|c${h}|q|Agent/a|COMPLETECALLER|${w}|60|1`];
}).concat([`${T + 3605}|c1|q|Agent/b|RINGNOANSWER|4000`]).join("\n") + "\n");

describe("indicator window", () => {
  it("counts only the stints entered in [from, to), and agent events at instants in it", async () => {
    const store = await openStore();
    await loadLogs(store, [log]);
    const all = await queueKpis(store, []);
    const [mid] = await queueKpis(store, [], { from_ms: (T + 1800) * 1000, to_ms: (T + 5400) * 1000 });
    expect(all[0]!.offered).toBe(3);
    // By hand: only the 10:00 call is in 09:30–10:30; it waited 30 s.
    expect(mid).toMatchObject({ offered: 1, answered: 1, asa_s: 30 });
    const agents = await agentKpis(store, { from_ms: (T + 3600) * 1000 });
    expect(agents.map((a) => [a.agent, a.answered, a.ring_no_answer])).toEqual([["Agent/a", 2, 0], ["Agent/b", 0, 1]]);
    expect((await queueKpis(store, [], { from_ms: (T + 7201) * 1000 }))[0]?.offered ?? 0).toBe(0); // after the last entry
    await expect(queueKpis(store, [], { from_ms: 10, to_ms: 5 })).rejects.toThrow(/window ends before it starts/);
    store.close();
  });

  it("takes --from/--to on kpis (a date --to means through that day) and refuses a window that ends first", () => {
    const qb = (...a: string[]) => spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, ...a], { encoding: "utf8" });
    const r = qb("kpis", "-i", log, "--from", "2026-03-02T09:30", "--to", "2026-03-02T10:30", "--json", "-q");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)[0]).toMatchObject({ offered: 1, asa_s: 30 });
    const day = qb("kpis", "-i", log, "--from", "2026-03-02", "--to", "2026-03-02", "--json", "-q");
    expect(JSON.parse(day.stdout)[0].offered).toBe(3);
    const bad = qb("kpis", "-i", log, "--from", "2026-03-03", "--to", "2026-03-02T12:00");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("qb: error: --to must be after --from");
  });
});
