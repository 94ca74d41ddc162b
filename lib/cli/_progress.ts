/**
 * Private: the load progress bar (cli-progress) on stderr when it is a terminal and the inputs
 * are over a few MB; otherwise one summary line at the end.
 *
 * @module
 */
import cliProgress from "cli-progress";
import process from "node:process";
import type { LoadProgress } from "../ingest/mod.ts";

const MIN_BYTES = 4 << 20;

/** A progress display for `loadLogs`' `onProgress`. */
export function createLoadProgress(): { update: (p: LoadProgress) => void; stop: (ok: boolean) => void } {
  const tty = process.stderr.isTTY === true;
  let bar: cliProgress.SingleBar | null = null;
  const t0 = Date.now();
  let last: LoadProgress | null = null;
  return {
    update(p) {
      last = p;
      if (!tty || p.bytes_total < MIN_BYTES) return;
      if (!bar) {
        bar = new cliProgress.SingleBar({
          stream: process.stderr, format: "loading {bar} {percentage}% | {mb}/{total_mb} MB | {phase}", hideCursor: true, clearOnComplete: true,
        }, cliProgress.Presets.shades_classic);
        bar.start(p.bytes_total, 0, { mb: "0", total_mb: (p.bytes_total / 1e6).toFixed(0), phase: p.phase });
      }
      bar.update(p.bytes_done, { mb: (p.bytes_done / 1e6).toFixed(0), phase: p.phase });
    },
    stop(ok) {
      bar?.stop();
      const p = last as LoadProgress | null;
      if (ok && p && p.bytes_total >= MIN_BYTES) {
        process.stderr.write(`loaded ${(p.bytes_total / 1e6).toFixed(1)} MB in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
      }
    },
  };
}

/**
 * A progress display for work in counted steps (e.g. simulated variants): a bar on stderr when
 * it is a terminal, else one line at the end; nothing when quiet.
 */
export function createStepProgress(label: string, total: number, quiet: boolean): { update: (done: number) => void; stop: () => void } {
  const tty = process.stderr.isTTY === true;
  const t0 = Date.now();
  let bar: cliProgress.SingleBar | null = null;
  return {
    update(done) {
      if (quiet || !tty) return;
      if (!bar) {
        bar = new cliProgress.SingleBar({ stream: process.stderr, format: `${label} {bar} {value}/{total}`, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
        bar.start(total, 0);
      }
      bar.update(done);
    },
    stop() {
      bar?.stop();
      if (!quiet) process.stderr.write(`${label}: ${total} done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    },
  };
}
