/**
 * Generator of a large native Asterisk `queue_log` for the ingest benchmark: N calls over a
 * 1,000-agent center with 8 queues, about 3 lines per call as a real log has (ENTERQUEUE,
 * CONNECT, COMPLETE*; ABANDON; timeouts that re-enter another queue; transfers; ring-no-answer;
 * pauses), written in time order, day by day (memory stays bounded whatever N).
 *
 * Usage: `deno run -A bench/gen_queue_log.ts N OUT_FILE [SEED]`. Also a library function
 * {@link generateQueueLog}. The outcome mix is fixed and printed, so a benchmark can check the
 * loaded counts against it.
 *
 * @module
 */
import { closeSync, openSync, writeSync } from "node:fs";
import process from "node:process";
import { createRng } from "../lib/simulation/rng.ts";

/** Exact counts of what {@link generateQueueLog} wrote (the known truth of the file). */
export interface GeneratedLog {
  calls: number;
  lines: number;
  stints: number;
  answered: number;
  abandoned: number;
  timeouts: number;
  transferred: number;
  ring_no_answer: number;
}

const QUEUES = ["sales", "support", "billing", "tech", "retention", "vip", "claims", "info"];
const AGENTS = 1000;
const START_S = Date.UTC(2026, 9, 1) / 1000;

/**
 * Writes N calls as a native queue_log file.
 *
 * @param n number of customer calls (≥ 1)
 * @param path output file
 * @param seed random seed (default 1)
 * @returns the counts written
 */
export function generateQueueLog(n: number, path: string, seed = 1): GeneratedLog {
  const rng = createRng(seed);
  const out: GeneratedLog = { calls: n, lines: 0, stints: 0, answered: 0, abandoned: 0, timeouts: 0, transferred: 0, ring_no_answer: 0 };
  const fd = openSync(path, "w");
  const perDay = 33_000;
  const days = Math.ceil(n / perDay);
  let written = 0;
  let buf: string[] = [];
  const flush = () => {
    writeSync(fd, buf.join(""));
    buf = [];
  };
  for (let d = 0; d < days; d++) {
    const dayCalls = Math.min(perDay, n - written);
    const lines: { at: number; text: string }[] = [];
    const push = (at: number, text: string) => lines.push({ at, text: `${at}|${text}\n` });
    const day0 = START_S + d * 86_400 + 7 * 3600;
    for (let k = 0; k < dayCalls; k++) {
      const id = `${day0}.${written + k}`;
      let t = day0 + Math.floor(rng.uniform() * 14 * 3600);
      let queue = QUEUES[Math.floor(rng.uniform() * QUEUES.length)]!;
      const caller = `555${String(Math.floor(rng.uniform() * 1e7)).padStart(7, "0")}`;
      for (let stint = 1; stint <= 3; stint++) {
        out.stints++;
        push(t, `${id}|${queue}|NONE|ENTERQUEUE||${caller}|${1 + Math.floor(rng.uniform() * 5)}`);
        const wait = Math.floor(rng.exponential(25));
        const agent = `Agent/${1000 + Math.floor(rng.uniform() * AGENTS)}`;
        const u = rng.uniform();
        if (u < 0.1) {
          const other = `Agent/${1000 + Math.floor(rng.uniform() * AGENTS)}`;
          push(t + Math.max(0, wait - 1), `${id}|${queue}|${other}|RINGNOANSWER|15000`);
          out.ring_no_answer++;
        }
        if (u < 0.83) {
          const talk = 30 + Math.floor(rng.exponential(240));
          push(t + wait, `${id}|${queue}|${agent}|CONNECT|${wait}|${id}.1|${Math.min(wait, 5)}`);
          if (u < 0.8) {
            push(t + wait + talk, `${id}|${queue}|${agent}|${u < 0.45 ? "COMPLETECALLER" : "COMPLETEAGENT"}|${wait}|${talk}|1`);
            out.answered++;
          } else {
            push(t + wait + talk, `${id}|${queue}|${agent}|BLINDTRANSFER|600|from-internal|${wait}|${talk}|1`);
            out.transferred++;
          }
          break;
        }
        if (u < 0.97 || stint === 3) {
          push(t + wait, `${id}|${queue}|NONE|ABANDON|1|1|${wait}`);
          out.abandoned++;
          break;
        }
        push(t + 60, `${id}|${queue}|NONE|EXITWITHTIMEOUT|1|1|60`);
        out.timeouts++;
        t += 61;
        queue = QUEUES[(QUEUES.indexOf(queue) + 1) % QUEUES.length]!;
      }
    }
    // A few pauses per agent and day.
    for (let a = 0; a < AGENTS; a += 7) {
      const at = day0 + Math.floor(rng.uniform() * 12 * 3600);
      push(at, `NONE|NONE|Agent/${1000 + a}|PAUSE|lunch`);
      push(at + 1800, `NONE|NONE|Agent/${1000 + a}|UNPAUSE|`);
    }
    lines.sort((x, y) => x.at - y.at);
    for (const l of lines) {
      buf.push(l.text);
      if (buf.length >= 50_000) flush();
    }
    out.lines += lines.length;
    written += dayCalls;
  }
  flush();
  closeSync(fd);
  return out;
}

if (import.meta.main) {
  const n = Number(Deno.args[0]);
  const path = Deno.args[1];
  if (!(n >= 1) || !path) {
    console.error("usage: deno run -A bench/gen_queue_log.ts N OUT_FILE [SEED]");
    process.exit(2);
  }
  console.log(JSON.stringify(generateQueueLog(n, path, Number(Deno.args[2] ?? 1))));
}
