// Test wiring for the core: a fake clock (manual timers), a memory storage that records writes,
// and a fetch-based transport (Node's real fetch) talking to the recording server.
import { classifyResponse } from '../../src/core/response.ts';
import type { Scheduler, StorageAdapter, TransportAdapter } from '../../src/core/types.ts';

export class FakeClock implements Scheduler {
  time = 1_700_000_000_000;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private next = 1;
  now = () => this.time;
  random = () => 0.5;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.next++;
    this.timers.push({ at: this.time + ms, fn, id });
    return id;
  };
  clearTimeout = (h: unknown) => {
    this.timers = this.timers.filter((t) => t.id !== h);
  };
  /** Advances time and fires due timers; returns the delays of fired timers. */
  advance(ms: number): void {
    this.time += ms;
    const due = this.timers.filter((t) => t.at <= this.time);
    this.timers = this.timers.filter((t) => t.at > this.time);
    for (const t of due) t.fn();
  }
  pendingDelays(): number[] {
    return this.timers.map((t) => t.at - this.time);
  }
}

export class MemoryStorage implements StorageAdapter {
  data = new Map<string, string>();
  writes: string[] = [];
  getItem = (k: string) => this.data.get(k) ?? null;
  setItem = (k: string, v: string) => {
    this.writes.push(k);
    this.data.set(k, v);
  };
  removeItem = (k: string) => {
    this.data.delete(k);
  };
}

export function fetchTransport(onSend?: () => void): TransportAdapter {
  return {
    async send(req) {
      onSend?.();
      try {
        const res = await fetch(req.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-tally-key': req.writeKey },
          body: req.body,
        });
        return classifyResponse(res.status, await res.text(), res.headers.get('retry-after'));
      } catch {
        return { kind: 'retry', status: 0 };
      }
    },
  };
}
