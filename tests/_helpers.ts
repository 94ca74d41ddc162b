/** Test helpers: paths, loading fixtures into an in-memory store, comparing results of two engines. */
import { expect } from "vitest";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import { loadLogs, openStore, type ParseLogOptions, type Store } from "../lib/mod.ts";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
/** Embedded copies of the shared data (data/README.md gives provenance). */
export const BANK = `${ROOT}data/anonymous_bank_1999-01.txt.gz`;
export const PBXWARE = `${ROOT}data/pbxware_queue_log.csv`;
/** The shared reference folder, when present (CI provides it beside the checkout). */
export const SHARED = existsSync(`${ROOT}../shared/data`) ? `${ROOT}../shared/data` : null;

export async function storeWith(paths: string[], options: ParseLogOptions = {}): Promise<Store> {
  const store = await openStore();
  await loadLogs(store, paths, options);
  return store;
}

/**
 * Deep equality where numbers may differ by 1e-9 relative (the same sums taken over rows in
 * another order, by another engine, differ in the last bits); keys must match exactly.
 */
export function expectSame(a: unknown, b: unknown, path = "$"): void {
  if (typeof a === "number" && typeof b === "number") {
    if (Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(a))) throw new Error(`${path}: ${a} ≠ ${b}`);
    return;
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    expect(Object.keys(b as object).sort(), path).toEqual(Object.keys(a as object).sort());
    for (const k of Object.keys(a as object)) expectSame((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    return;
  }
  expect(b, path).toEqual(a);
}
