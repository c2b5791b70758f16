// The bounded event queue: FIFO, drops the OLDEST events when full (fresh behaviour is worth more
// than stale), removes events by uuid once the collector answered for them. Never sends.
import type { Stats, WireEvent } from './types.ts';

export class EventQueue {
  private events: WireEvent[] = [];

  constructor(
    private readonly maxSize: number,
    private readonly stats: Stats,
  ) {}

  /** Replaces the content with events restored from storage (oldest first). */
  restore(events: readonly WireEvent[]): void {
    this.events = [...events, ...this.events];
    this.trim();
  }

  push(event: WireEvent): void {
    this.events.push(event);
    this.trim();
  }

  private trim(): void {
    const excess = this.events.length - this.maxSize;
    if (excess > 0) {
      this.events.splice(0, excess);
      this.stats.dropped_queue_full += excess;
    }
    this.stats.queued = this.events.length;
  }

  peek(count: number): WireEvent[] {
    return this.events.slice(0, count);
  }

  remove(uuids: ReadonlySet<string>): void {
    this.events = this.events.filter((e) => !uuids.has(e.uuid));
    this.stats.queued = this.events.length;
  }

  clear(): void {
    this.events = [];
    this.stats.queued = 0;
  }

  get size(): number {
    return this.events.length;
  }

  snapshot(): readonly WireEvent[] {
    return this.events;
  }
}
