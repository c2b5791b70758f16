// Delivery counters exposed by stats(); the only place they are mutated. Never persisted.
import type { Stats } from './types.ts';

export function createStats(): Stats {
  return { sent: 0, dropped_queue_full: 0, rejected: 0, dropped_final: 0, retries: 0, queued: 0 };
}
