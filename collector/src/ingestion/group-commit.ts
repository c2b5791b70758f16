// Embedded-mode transport: the collector acknowledges a batch only after its rows are in
// ClickHouse, yet SDK batches are small (tens of events), and one insert per HTTP request would
// flood the engine with tiny parts. So concurrent requests are gathered into one write
// ("group commit"): the first waiting batch opens a window of `maxDelayMs`, everything that
// arrives meanwhile joins, and every request resolves (or fails) with that one insert.
// Never acknowledges a request whose write failed; never holds more than `maxPendingRows`.
import type { IngestBatch } from '@tally/infra/clickhouse';
import { type EventSink, SinkUnavailableError } from './sink.ts';
import type { IngestionWriter } from './writer.ts';

export interface GroupCommitOptions {
  /** Longest a request waits for companions before its group is written. */
  readonly maxDelayMs: number;
  /** A group is written at once when it reaches this many rows. */
  readonly maxGroupRows: number;
  /** Back-pressure: beyond this many unwritten rows new batches get a retryable 503. */
  readonly maxPendingRows: number;
}

interface Waiter {
  readonly batch: IngestBatch;
  readonly rows: number;
  resolve(): void;
  reject(error: unknown): void;
}

export function createGroupCommitSink(writer: IngestionWriter, options: GroupCommitOptions): EventSink {
  let waiting: Waiter[] = [];
  let waitingRows = 0;
  let writingRows = 0;
  let timer: NodeJS.Timeout | null = null;
  let writing = false;
  let healthy = true;
  let closed = false;

  function schedule(): void {
    if (writing) return; // the running write picks up the queue when it finishes
    if (waitingRows >= options.maxGroupRows) {
      void flush();
    } else if (!timer && waiting.length > 0) {
      timer = setTimeout(() => void flush(), options.maxDelayMs);
    }
  }

  async function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    if (writing || waiting.length === 0) return;
    writing = true;
    const group = takeGroup();
    try {
      await writer.write(mergeBatches(group.map((w) => w.batch)));
      healthy = true;
      for (const w of group) w.resolve();
    } catch (error) {
      healthy = false;
      const unavailable = new SinkUnavailableError(`event storage unavailable: ${describe(error)}`, 2, error);
      for (const w of group) w.reject(unavailable);
    } finally {
      writingRows = 0;
      writing = false;
      schedule();
    }
  }

  function takeGroup(): Waiter[] {
    const group: Waiter[] = [];
    let rows = 0;
    while (waiting.length > 0 && (group.length === 0 || rows + waiting[0]!.rows <= options.maxGroupRows)) {
      const next = waiting.shift()!;
      group.push(next);
      rows += next.rows;
    }
    waitingRows -= rows;
    writingRows = rows;
    return group;
  }

  return {
    submit(batch) {
      if (closed) return Promise.reject(new SinkUnavailableError('collector is shutting down'));
      const rows = batch.events.length + batch.profileOps.length + batch.identityOps.length;
      if (waitingRows + writingRows + rows > options.maxPendingRows) {
        return Promise.reject(new SinkUnavailableError('ingestion is saturated; retry shortly', 1));
      }
      return new Promise<void>((resolve, reject) => {
        waiting.push({ batch, rows, resolve, reject });
        waitingRows += rows;
        schedule();
      });
    },
    pending: () => waitingRows + writingRows,
    ready: () => healthy && !closed,
    async close() {
      closed = true;
      while (waiting.length > 0 || writing) {
        await flush();
        await new Promise((r) => setTimeout(r, 5));
      }
      waiting = [];
    },
  };
}

export function mergeBatches(batches: readonly IngestBatch[]): IngestBatch {
  if (batches.length === 1) return batches[0]!;
  const merged: IngestBatch = { events: [], profileOps: [], identityOps: [] };
  for (const b of batches) {
    for (const e of b.events) merged.events.push(e);
    for (const p of b.profileOps) merged.profileOps.push(p);
    for (const i of b.identityOps) merged.identityOps.push(i);
  }
  return merged;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200);
}
