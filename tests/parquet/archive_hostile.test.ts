/**
 * Hostile input to `qb export` and to archives read back (issue 14, found by a hostile pass in
 * session 17): a mistyped `--db` must not replace a good archive by an empty one; targets that
 * cannot be written are refused before the load; a tampered group manifest (a center listed twice,
 * a path in a center name, a center folder added or removed) and a damaged table manifest or
 * Parquet file are refused with a message naming the folder, exit 2, never a stack trace.
 * Expected values are the inputs' own hand counts (outcomes.queue_log: 5 calls, see cli.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { openStore } from "../../lib/mod.ts";
import { fixture, ROOT } from "../_helpers.ts";

const LOG = fixture("outcomes.queue_log");
let dir: string;

function qb(...args: string[]) {
  const r = spawnSync(process.execPath, ["run", "-A", `${ROOT}lib/cli.ts`, ...args], { encoding: "utf8", cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A usage error: exit 2, one `qb:` line matching `pattern`, no stack trace. */
function expectRefused(r: ReturnType<typeof qb>, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(/^qb: /m);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack frames
}

const manifestOf = (d: string) => JSON.parse(readFileSync(join(d, "queuebook-archive.json"), "utf8"));
const offered = (r: ReturnType<typeof qb>) => (JSON.parse(r.stdout) as { offered: number }[]).reduce((n, x) => n + x.offered, 0);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "qb-archive-hostile-"));
  for (const c of ["a", "b"]) expect(qb("export", "--input", LOG, "--parquet", "grp", "--center", c, "-q").code).toBe(0);
  expect(qb("export", "--input", LOG, "--parquet", "arc", "-q").code).toBe(0);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("qb export refuses before it loads or replaces anything", () => {
  it("a --db that does not exist, exported alone, leaves the earlier archive as it was", () => {
    const before = readdirSync(join(dir, "arc", "call_stints"));
    expectRefused(qb("export", "--db", "tpyo.duckdb", "--parquet", "arc"), /--db 'tpyo\.duckdb': no such database file/);
    expect(readdirSync(join(dir, "arc", "call_stints"))).toEqual(before);
    expect(offered(qb("kpis", "--input", "arc", "--json", "-q"))).toBe(5);
  });

  it("a database holding nothing is not exported over an archive", async () => {
    const empty = await openStore(join(dir, "empty.duckdb")); // the schema, no data
    empty.close();
    expectRefused(qb("export", "--db", "empty.duckdb", "--parquet", "arc"), /nothing to export: the database 'empty\.duckdb' holds no calls, agent events or services/);
    expect(offered(qb("kpis", "--input", "arc", "--json", "-q"))).toBe(5);
  });

  it("an empty --parquet, a folder under a file, and a folder inside an archive", () => {
    expectRefused(qb("export", "--input", LOG, "--parquet", ""), /--parquet is empty/);
    writeFileSync(join(dir, "plain.txt"), "x");
    expectRefused(qb("export", "--input", LOG, "--parquet", "plain.txt/arc"), /is a file, not a folder/);
    expectRefused(qb("export", "--input", LOG, "--parquet", "arc/call_stints/x"), /is inside the archive '.*arc': give a folder outside it/);
    expectRefused(qb("export", "--input", LOG, "--parquet", "grp/center=a/x"), /is inside the archive/);
  });
});

describe("what an export killed midway left behind", () => {
  it("is cleared by the next export of the same folder: half-written folders removed, the set-aside archive put back first", () => {
    const dead = spawnSync("true").pid!; // a process that has ended
    const live = process.pid; // this one: its leftovers may still be in use and are kept
    mkdirSync(join(dir, "kill"));
    mkdirSync(join(dir, "kill", `.arc.writing-${dead}-1`));
    writeFileSync(join(dir, "kill", `.arc.writing-${dead}-1`, "half.parquet"), "x");
    mkdirSync(join(dir, "kill", `.arc.writing-${live}-2`));
    // Killed between its two renames: the earlier archive set aside, the new one not yet in place.
    cpSync(join(dir, "arc"), join(dir, "kill", `.arc.writing-${dead}-3.old`), { recursive: true });
    expect(qb("export", "--input", LOG, "--parquet", "kill/arc", "-q").code).toBe(0);
    expect(readdirSync(join(dir, "kill")).sort()).toEqual([`.arc.writing-${live}-2`, "arc"]);
    expect(offered(qb("kpis", "--input", "kill/arc", "--json", "-q"))).toBe(5);
  });
});

describe("a tampered group of centers is refused when read back", () => {
  /** A copy of the two-center group with its group manifest's centers replaced. */
  function tampered(name: string, centers: unknown): string {
    const d = join(dir, name);
    cpSync(join(dir, "grp"), d, { recursive: true });
    writeFileSync(join(d, "queuebook-archive.json"), JSON.stringify({ ...manifestOf(d), centers }));
    return d;
  }

  it("the untouched group reads back both centers once (2 × 5 calls)", () => {
    expect(manifestOf(join(dir, "grp")).centers).toEqual(["a", "b"]);
    expect(offered(qb("kpis", "--input", "grp", "--json", "-q"))).toBe(10);
  });

  it("a center listed twice is not counted twice", () => {
    expectRefused(qb("kpis", "--input", tampered("twice", ["a", "a", "b"]), "--json"), /lists a center twice/);
  });

  it("a center name that is a path is not followed", () => {
    mkdirSync(join(dir, "outside"));
    cpSync(join(dir, "arc"), join(dir, "outside", "center=x"), { recursive: true });
    expectRefused(qb("kpis", "--input", tampered("path", ["a", "b", "../outside/center=x"]), "--json"), /group manifest is damaged/);
    expectRefused(qb("kpis", "--input", tampered("notstring", ["a", 7]), "--json"), /group manifest is damaged/);
  });

  it("a center folder missing, or one the manifest does not list, is named", () => {
    const gone = tampered("gone", ["a", "b"]);
    rmSync(join(gone, "center=b"), { recursive: true });
    expectRefused(qb("kpis", "--input", gone, "--json"), /lists center\(s\) with no folder: center=b/);
    const extra = tampered("extra", ["a"]);
    expectRefused(qb("kpis", "--input", extra, "--json"), /holds center folder\(s\) its group manifest does not list: center=b/);
  });
});

describe("a damaged table manifest or Parquet file is refused when read back", () => {
  function copyArc(name: string): string {
    const d = join(dir, name);
    cpSync(join(dir, "arc"), d, { recursive: true });
    return d;
  }

  it("options that are not an object, and a row count that is not a whole number", () => {
    const opts = copyArc("nullopts");
    writeFileSync(join(opts, "queuebook-archive.json"), JSON.stringify({ ...manifestOf(opts), options: null }));
    expectRefused(qb("kpis", "--input", opts, "--json"), /is damaged: 'options' is not an object/);
    const rows = copyArc("strrows");
    const m = manifestOf(rows);
    m.tables.call_stints.rows = "5";
    writeFileSync(join(rows, "queuebook-archive.json"), JSON.stringify(m));
    expectRefused(qb("kpis", "--input", rows, "--json"), /table 'call_stints' has no whole row count/);
  });

  it("a truncated Parquet file names the table and the user's folder, not a scratch path", () => {
    const cut = copyArc("cut");
    const day = readdirSync(join(cut, "call_stints"))[0]!;
    const file = join(cut, "call_stints", day, readdirSync(join(cut, "call_stints", day))[0]!);
    writeFileSync(file, readFileSync(file).subarray(0, 40));
    const r = qb("kpis", "--input", cut, "--json");
    expectRefused(r, /its call_stints files cannot be read \(.*\): a file damaged or not written by queuebook\?/);
    expect(r.stderr).not.toMatch(/queuebook-archive-/); // the scratch folder's name
  });
});

describe("qb kpis --engine clickhouse: options checked before anything is sent", () => {
  it("a password in --url is never printed, and --center takes archive center names only", () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused.
    const r = qb("kpis", "--input", LOG, "--engine", "clickhouse", "--url", "http://bob:s3cret@127.0.0.1:1", "--cluster", "qb", "-q");
    expectRefused(r, /cannot use the ClickHouse cluster at http:\/\/bob:\*\*\*@127\.0\.0\.1:1: /);
    expect(r.stderr).not.toContain("s3cret");
    const bad = qb("kpis", "--input", LOG, "--engine", "clickhouse", "--url", "ftp://bob:s3cret@127.0.0.1:1", "--cluster", "qb");
    expectRefused(bad, /must be an http\(s\) URL .* got 'ftp:\/\/bob:\*\*\*@127\.0\.0\.1:1'/);
    expect(bad.stderr).not.toContain("s3cret");
    expectRefused(qb("kpis", "--input", LOG, "--engine", "clickhouse", "--url", "http://127.0.0.1:1", "--cluster", "qb", "--center", "a'b"), /--center must be letters, digits/);
  });
});
