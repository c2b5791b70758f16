// The real clock and timers. Tests pass their own Scheduler; nothing else touches Date/setTimeout.
import type { Scheduler } from './types.ts';

/**
 * The default scheduler backed by Date.now / setTimeout / Math.random.
 * @example const s = systemScheduler(); s.setTimeout(() => {}, 1000);
 */
export function systemScheduler(): Scheduler {
  return {
    now: () => Date.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    random: () => Math.random(),
  };
}
