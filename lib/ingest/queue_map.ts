/**
 * A queue map: display names for queue ids (`queue,name`), for reports whose PBX names its
 * queues by number or code (`8001` → "Billing, Italian").
 *
 * @module
 */
import { z } from "zod";
import { readTableFile, type TableFile } from "./_table_file.ts";

/** One row of a queue map. */
export interface QueueName {
  /** The queue as the logs name it. */
  queue: string;
  /** The name reports show. */
  name: string;
}

const schema = z.object({
  queue: z.string().min(1, "queue must not be empty"),
  name: z.string().min(1, "name must not be empty").max(200, "name must be at most 200 characters"),
}) as unknown as z.ZodType<QueueName>;

/**
 * Reads a queue map CSV (`queue,name`; other columns ignored). A second row for one queue is
 * rejected (`queue 'x' is already on line N`); counts reconcile.
 *
 * @param columns column map, logical name → the file's header name
 * @returns the rows, rejects and counts, and `names` (queue → name)
 * @throws {InputError} when the file cannot be read or has no `queue` or `name` column
 */
export function readQueueMap(path: string, columns: Readonly<Record<string, string>> = {}): TableFile<QueueName> & { names: Record<string, string> } {
  const file = readTableFile(path, "queue map", schema, ["queue", "name"], columns);
  const seen = new Map<string, number>();
  file.rows = file.rows.filter((r) => {
    const first = seen.get(r.queue);
    if (first === undefined) return seen.set(r.queue, r.line), true;
    file.rejects.push({ source: file.counts.source, line: r.line, raw: `${r.queue},${r.name}`, reason: `${file.counts.source}:${r.line}: field 'queue': queue '${r.queue}' is already on line ${first}` });
    return false;
  });
  file.rejects.sort((a, b) => a.line - b.line);
  file.counts.used = file.rows.length;
  file.counts.rejected = file.rejects.length;
  return { ...file, names: Object.fromEntries(file.rows.map((r) => [r.queue, r.name])) };
}
