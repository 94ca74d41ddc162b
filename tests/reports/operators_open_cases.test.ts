/**
 * The operator report's unresolved work: with the demo's services loaded, each operator's "Open
 * cases" is the count of their open cases (status open at the export's instant), computed here in
 * SQL, and a team's is the sum of its operators'.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDemoCenter, buildOperatorsReport, loadLogs, loadRoster, loadSchedules, loadServices, openStore, writeDemoCenter } from "../../lib/mod.ts";

const center = buildDemoCenter({ days: 3, seed: 11 });
const files = writeDemoCenter(mkdtempSync(join(tmpdir(), "qb-open-cases-")), center);

/** Rows of the table under heading `h`: the row's title attribute (agent id) or first cell, and the Open cases cell. */
function openCells(html: string, h: string): Map<string, number> {
  const section = new RegExp(`<h2>${h}</h2>([\\s\\S]*?)</section>`).exec(html)![1]!;
  const head = [...(/<thead>([\s\S]*?)<\/thead>/.exec(section)![1]!).matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map((m) => m[1]);
  const col = head.indexOf("Open cases");
  expect(col).toBeGreaterThan(0);
  const out = new Map<string, number>();
  for (const m of section.matchAll(/<tr( title="([^"]*)")?( class="total")?>([\s\S]*?)<\/tr>/g)) {
    if (!m[4]!.includes("<td")) continue;
    const cells = [...m[4]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, ""));
    out.set(m[3] ? "Total" : m[2] ?? cells[0]!, Number(cells[col]!.replace(/,/g, "")));
  }
  return out;
}

describe("operator report: open cases", () => {
  it("counts each operator's open cases and sums them per team", async () => {
    const store = await openStore();
    await loadLogs(store, [files.queue_log]);
    await loadRoster(store, files.roster);
    await loadSchedules(store, files.schedules);
    await loadServices(store, files.services);
    const html = await buildOperatorsReport(store, { timeZone: center.time_zone });
    const sql = new Map((await store.query<{ agent: string; n: number }>(
      "SELECT agent, count(*) AS n FROM services WHERE lower(status) = 'open' AND agent IS NOT NULL GROUP BY agent",
    )).map((r) => [r.agent, Number(r.n)]));
    const teams = new Map((await store.query<{ team: string; n: number }>(
      "SELECT a.team, count(*) AS n FROM services s JOIN agents a USING (agent) WHERE lower(s.status) = 'open' GROUP BY a.team",
    )).map((r) => [r.team, Number(r.n)]));
    store.close();
    expect([...sql.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const ops = openCells(html, "By operator");
    for (const [agent, n] of ops) if (agent !== "Total") expect(n, agent).toBe(sql.get(agent) ?? 0);
    expect(ops.get("Total")).toBe([...sql.values()].reduce((a, b) => a + b, 0));
    const byTeam = openCells(html, "By team");
    for (const [team, n] of teams) expect(byTeam.get(team), team).toBe(n);
  }, 120_000);
});
