/** Test helpers: paths and loading fixtures into an in-memory store. */
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
