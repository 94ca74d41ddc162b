/** Private: a binary min-heap of timed events (ties broken by insertion order: deterministic). */
export interface Timed {
  t: number;
  seq: number;
}

/**
 * A min-heap ordered by (t, seq). `push` stamps the event's `seq` in place (no copy), so events
 * pushed at the same instant pop in the order they were pushed.
 */
export class EventHeap<T extends Timed> {
  private items: T[] = [];
  private counter = 0;

  get size(): number {
    return this.items.length;
  }

  push(e: T): void {
    e.seq = this.counter++;
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(a[p]!, e)) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = e;
  }

  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        let mv = last;
        if (l < a.length && less(a[l]!, mv)) {
          m = l;
          mv = a[l]!;
        }
        if (r < a.length && less(a[r]!, mv)) {
          m = r;
          mv = a[r]!;
        }
        if (m === i) break;
        a[i] = a[m]!;
        i = m;
      }
      a[i] = last;
    }
    return top;
  }
}

function less(a: Timed, b: Timed): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}
