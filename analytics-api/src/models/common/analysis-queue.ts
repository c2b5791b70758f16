// Admits analyses to ClickHouse: at most `running` at once; the rest wait, one line per lane (the
// caller's bank), and the lines are served in turn, so a dashboard of twenty cards opened at one
// bank cannot hold back a single question from another bank. A wait past `maxWaitMs`, or a
// request arriving while `queued` others wait, is refused with ANALYSIS_BUSY (503, Retry-After)
// rather than left to pile up on a 2-core engine, where more queries at once only share the same
// cores and each one's memory cap. A waiter whose callers have all gone (closed the page, pressed
// "cancel") leaves the line. Never runs a query and holds no results.
import { ApiError } from '../../errors/catalogue.ts';
import type { Principal } from '../../permissions/principal.ts';

export interface AnalysisQueueLimits {
  /** Analyses running on ClickHouse at once. */
  readonly running: number;
  /** Analyses that may wait for a turn; one more is refused at once. */
  readonly queued: number;
  /** Longest wait for a turn before the request is refused. */
  readonly maxWaitMs: number;
}

interface Waiter {
  readonly admit: (release: () => void) => void;
  timer?: NodeJS.Timeout;
}

/** ANALYSIS_MAX_RUNNING, ANALYSIS_MAX_QUEUED and ANALYSIS_MAX_WAIT_S unset. */
export const DEFAULT_ANALYSIS_QUEUE: AnalysisQueueLimits = { running: 3, queued: 200, maxWaitMs: 30_000 };

/** How long a refused caller is told to wait before asking again. */
const RETRY_AFTER_S = 5;

function busy(why: string): ApiError {
  return new ApiError('ANALYSIS_BUSY', why, undefined, { 'retry-after': String(RETRY_AFTER_S) });
}

export class AnalysisQueue {
  readonly #limits: AnalysisQueueLimits;
  #running = 0;
  #waiting = 0;
  /** Waiting lines by lane; the Map's order is the order lanes take their turns in. */
  readonly #lanes = new Map<string, Waiter[]>();

  constructor(limits: AnalysisQueueLimits) {
    this.#limits = limits;
  }

  /** How many analyses run and wait now. */
  get stats(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting };
  }

  /**
   * Resolves with a release function once the caller may run; call it exactly when done. A caller
   * that no longer wants its turn (`cancelled` aborts: everyone who asked has left) leaves the
   * line with ANALYSIS_CANCELLED; once admitted it keeps its turn until it releases it.
   */
  acquire(lane: string, cancelled?: AbortSignal): Promise<() => void> {
    if (cancelled?.aborted) return Promise.reject(new ApiError('ANALYSIS_CANCELLED'));
    if (this.#running < this.#limits.running && this.#waiting === 0) {
      this.#running++;
      return Promise.resolve(this.#releaser());
    }
    if (this.#waiting >= this.#limits.queued) {
      return Promise.reject(busy(`${this.#running} analyses are running and ${this.#waiting} waiting`));
    }
    return new Promise((admit, refuse) => {
      const leave = (error: ApiError) => {
        this.#remove(lane, waiter);
        clearTimeout(waiter.timer);
        cancelled?.removeEventListener('abort', onCancel);
        refuse(error);
      };
      const onCancel = () => leave(new ApiError('ANALYSIS_CANCELLED'));
      const waiter: Waiter = {
        admit: (release) => {
          clearTimeout(waiter.timer);
          cancelled?.removeEventListener('abort', onCancel);
          admit(release);
        },
      };
      waiter.timer = setTimeout(
        () => leave(busy(`no turn within ${Math.round(this.#limits.maxWaitMs / 1000)} s`)),
        this.#limits.maxWaitMs,
      );
      // The timer alone must not keep a process that is shutting down alive for 30 s.
      waiter.timer.unref();
      cancelled?.addEventListener('abort', onCancel, { once: true });
      const line = this.#lanes.get(lane);
      if (line) line.push(waiter);
      else this.#lanes.set(lane, [waiter]);
      this.#waiting++;
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#running--;
      this.#admitNext();
    };
  }

  /** Gives the free turn to the first waiter of the next lane; that lane then goes to the back. */
  #admitNext(): void {
    const next = this.#lanes.entries().next();
    if (next.done || this.#running >= this.#limits.running) return;
    const [lane, line] = next.value;
    const waiter = line.shift()!;
    this.#lanes.delete(lane);
    if (line.length > 0) this.#lanes.set(lane, line);
    this.#waiting--;
    this.#running++;
    waiter.admit(this.#releaser());
  }

  #remove(lane: string, waiter: Waiter): void {
    const line = this.#lanes.get(lane);
    const at = line?.indexOf(waiter) ?? -1;
    if (!line || at < 0) return;
    line.splice(at, 1);
    if (line.length === 0) this.#lanes.delete(lane);
    this.#waiting--;
  }
}

/**
 * The lane a caller's analyses wait in: their bank (branch staff share their bank's lane, whose
 * code is the parent in their org path), otherwise their own org node (the union, a prefecture).
 */
export function analysisLane(principal: Pick<Principal, 'orgCode' | 'orgPath' | 'orgTier'>): string {
  if (principal.orgTier !== 'branch') return principal.orgCode;
  const codes = principal.orgPath.split('/').filter(Boolean);
  return codes.at(-2) ?? principal.orgCode;
}
