/**
 * Business-hours calendars (issue 12): business minutes between instants, hand-computed in
 * Europe/Rome across a weekend, a holiday and the 2026 fall-back night (25 October, 03:00 CEST →
 * 02:00 CET); per-group calendars; filling a services export that gives no business hours.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { applyBusinessCalendars, businessMinutes, loadServices, openStore, readBusinessCalendars, serviceKpis } from "../../lib/mod.ts";
import { ROOT } from "../_helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "qb-bh-"));
const CAL = join(dir, "calendar.json");
writeFileSync(CAL, JSON.stringify({
  zone: "Europe/Rome",
  hours: { mon: "09:00-18:00", tue: "09:00-18:00", wed: "09:00-18:00", thu: "09:00-18:00", fri: "09:00-13:00, 14:00-18:00" },
  holidays: ["2026-10-27"],
  groups: { night: { hours: { sun: "01:00-04:00" }, holidays: [] } },
}));
// Instants from local Rome times: CEST (UTC+2) until 25 October 03:00, CET (UTC+1) after.
const cest = (d: string, t: string) => Date.parse(`2026-10-${d}T${t}:00+02:00`);
const cet = (d: string, t: string) => Date.parse(`2026-10-${d}T${t}:00+01:00`);

describe("business hours", () => {
  it("counts the minutes inside opening hours, hand-computed", () => {
    const c = readBusinessCalendars(CAL);
    const bm = (a: number, b: number, cal = c.default) => businessMinutes(cal, a, b);
    // Friday 23 Oct 12:30 → Monday 26 Oct 10:00 (CET): Fri 12:30–13:00 and 14:00–18:00 = 270, Mon 09:00–10:00 = 60.
    expect(bm(cest("23", "12:30"), cet("26", "10:00"))).toBe(330);
    // Monday 26 17:00 → Wednesday 28 10:00: Mon 60, Tuesday 27 a holiday, Wed 60.
    expect(bm(cet("26", "17:00"), cet("28", "10:00"))).toBe(120);
    // Saturday to Sunday: closed.
    expect(bm(cest("24", "10:00"), cet("25", "20:00"))).toBe(0);
    // Out of hours the same evening, and an empty or reversed span.
    expect(bm(cet("26", "19:00"), cet("26", "23:00"))).toBe(0);
    expect(bm(cet("26", "12:00"), cet("26", "11:00"))).toBe(0);
    // The night group, Sunday 01:00–04:00 on the fall-back night: 01:00 CEST = 23:00Z, 04:00 CET = 03:00Z, four real hours.
    const night = c.groups.night!;
    expect(bm(cest("24", "20:00"), cet("25", "12:00"), night)).toBe(240);
    // It inherits the weekdays of the default and replaces its holidays (none): Tuesday 27 is open there.
    expect(bm(cet("27", "00:00"), cet("28", "00:00"), night)).toBe(540);
  });

  it("refuses a bad calendar naming the file and the key", () => {
    const bad = join(dir, "bad.json");
    for (const [json, msg] of [
      [{ hours: { mon: "9-18" } }, /hours\.mon: opening hours must be like/],
      [{ zone: "Mars/Olympus" }, /Unknown IANA time zone 'Mars\/Olympus'/],
      [{ hours: { mon: "09:00-12:00,11:00-13:00" } }, /mon: opening hours overlap/],
      [{ hours: { funday: "09:00-10:00" } }, /Unrecognized key|funday/],
      [{ hours: { mon: "18:00-09:00" } }, /ends before it starts/],
    ] as const) {
      writeFileSync(bad, JSON.stringify(json));
      expect(() => readBusinessCalendars(bad)).toThrow(msg);
    }
  });

  it("fills the business minutes of an export that gives none, per group, and qb services --calendar uses them", async () => {
    const f = join(dir, "services.csv");
    writeFileSync(f, [
      "service_id,service_type,call_id,queue,agent,opened_at,closed_at,status,outcome,handling_s,cost",
      `S1,complaint,c1,support,Agent/1,${new Date(cest("23", "12:30")).toISOString()},${new Date(cet("26", "10:00")).toISOString()},closed,resolved,600,2`,
      `S2,complaint,c2,night,Agent/2,${new Date(cest("24", "20:00")).toISOString()},${new Date(cet("25", "12:00")).toISOString()},closed,resolved,600,2`,
      `S3,complaint,c3,support,Agent/2,${new Date(cet("26", "17:00")).toISOString()},,open,,,`,
      "",
    ].join("\n"));
    const store = await openStore();
    await loadServices(store, f);
    expect(await applyBusinessCalendars(store, readBusinessCalendars(CAL))).toBe(2); // S3 is unsolved and has no reply
    const rows = await store.query<{ group: string; bh: number | null }>(`SELECT "group", resolution_bh_min AS bh FROM services ORDER BY service_id`);
    expect(rows.map((r) => r.bh)).toEqual([330, 240, null]);
    const [t] = await serviceKpis(store);
    expect(t!.resolution_median_bh_h).toBe((330 + 240) / 2 / 60);
    store.close();
    const r = spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, "services", "-i", f, "--calendar", CAL, "--json"], { encoding: "utf8", cwd: ROOT });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)[0].resolution_median_bh_h).toBe(4.75);
    expect(r.stderr).toContain("(calendar): business hours computed for 2 case(s) whose export gives none");
    // The same calendar through qb report --kind services: the report's resolution in business hours (median 4.75 h).
    const log = join(dir, "q.log");
    writeFileSync(log, `${cest("23", "12:00") / 1000}|c1|support|NONE|ENTERQUEUE||1|1\n${cest("23", "12:00") / 1000 + 30}|c1|support|NONE|ABANDON|1|1|30\n`);
    const html = join(dir, "s.html");
    const rep = spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, "report", "--kind", "services", "-i", log, "--services", f, "--calendar", CAL, "-o", html], { encoding: "utf8", cwd: ROOT });
    expect(rep.status, rep.stderr).toBe(0);
    expect(readFileSync(html, "utf8")).toContain("business hours 4.8");
    // services-report may not write its HTML over the calendar it reads (the final review of session 8).
    const over = spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, "services-report", "-i", f, "--calendar", CAL, "-o", CAL], { encoding: "utf8", cwd: ROOT });
    expect(over.status).toBe(2);
    expect(JSON.parse(readFileSync(CAL, "utf8")).zone).toBe("Europe/Rome");
    const bad = spawnSync(process.execPath, ["run", "-A", "-q", `${ROOT}lib/cli.ts`, "services", "-i", f, "--calendar", f], { encoding: "utf8", cwd: ROOT });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^qb: .*--calendar: Cannot read the calendar/m);
  }, 60_000);
});
