/**
 * The simulator's queue_log replayed line by line: a caller's ENTERQUEUE position and the
 * on-call pool's call-ins against the calls really waiting at that moment, counted here from
 * the log itself (ENTERQUEUE in, CONNECT / ABANDON / EXITWITHTIMEOUT out). Before session 14
 * both counted calls that had already left the line.
 */
import { describe, expect, it } from "vitest";
import { createRng, parseScenario, simulateReplication } from "../../lib/mod.ts";

const scenario = (onCall: boolean) => parseScenario({
  seed: 3, horizon_s: 30_000, ring_s: 0,
  queues: [
    { name: "a", arrivals: { rate_per_hour: 260 }, aht_s: 180, patience_s: 90, timeout_s: 400 },
    { name: "b", arrivals: { rate_per_hour: 60 }, aht_s: 240, patience_s: 150 },
  ],
  agents: [
    ...Array.from({ length: 12 }, (_, i) => ({ id: `${100 + i}`, skills: i % 2 ? { a: 1, b: 2 } : { b: 1, a: 2 } })),
    ...(onCall ? Array.from({ length: 4 }, (_, i) => ({ id: `${900 + i}`, skills: { a: 1, b: 1 }, on_call: true })) : []),
  ],
  ...(onCall ? { on_call: { queue_threshold: 6, activation_delay_s: 0, min_active_s: 600 } } : {}),
});

/** Replays the log: calls waiting per queue before each line. */
function replay(lines: string[], visit: (f: string[], waiting: Map<string, number>) => void) {
  const waiting = new Map<string, number>();
  for (const line of lines) {
    const f = line.split("|");
    visit(f, waiting);
    const q = f[2]!, ev = f[4]!;
    if (ev === "ENTERQUEUE") waiting.set(q, (waiting.get(q) ?? 0) + 1);
    if (ev === "CONNECT" || ev === "ABANDON" || ev === "EXITWITHTIMEOUT") waiting.set(q, waiting.get(q)! - 1);
  }
}

describe("the simulator's queue_log against the calls waiting", () => {
  it("gives each ENTERQUEUE the caller's position: the calls waiting in its queue, itself included", () => {
    const rep = simulateReplication(scenario(false), createRng(1), { queue_log: true });
    let checked = 0, deep = 0;
    replay(rep.queue_log, (f, waiting) => {
      if (f[4] !== "ENTERQUEUE") return;
      const expected = (waiting.get(f[2]!) ?? 0) + 1;
      expect([f[1], Number(f[7])]).toEqual([f[1], expected]);
      checked++;
      if (expected >= 5) deep++;
    });
    expect(checked).toBeGreaterThan(2000);
    expect(deep).toBeGreaterThan(100); // the line was long at times, so the count is tested beyond 1
  });

  it("calls a standby agent in only when the threshold of calls is really waiting", () => {
    const rep = simulateReplication(scenario(true), createRng(1), { queue_log: true });
    const logins: number[] = [];
    replay(rep.queue_log, (f, waiting) => {
      if (f[4] === "AGENTLOGIN" && f[3]!.startsWith("Agent/9")) logins.push([...waiting.values()].reduce((x, y) => x + y, 0));
    });
    expect(rep.on_call.activations).toBeGreaterThan(5);
    expect(logins).toHaveLength(rep.on_call.activations);
    for (const n of logins) expect(n).toBeGreaterThanOrEqual(6);
  });
});
