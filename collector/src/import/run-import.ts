// Runs one import: reads rows from the uploaded stream, maps each line, and submits them in
// chunks through acceptEvents (the /v1/batch validation, enrichment and exactly-once writer),
// waiting for each chunk to be durable before reading on, so a large file never piles up in
// memory and the upload is paced by storage. Returns a summary with every rejected line's
// number, field and rule (the first MAX_LISTED). Never changes event times beyond reading them.
import type { Readable } from 'node:stream';
import type { AppInfo } from '../apps/app-directory.ts';
import type { EventSink } from '../ingestion/sink.ts';
import type { CollectorMetrics } from '../metrics/collector-metrics.ts';
import { acceptEvents, type WireCandidate } from '../sensors/accept-events.ts';
import { csvRecordToObject, type Dialect, mapImportLine, occurrenceUuid } from './import-line.ts';
import { csvRows, ndjsonRows } from './line-source.ts';

/** Oldest event time an import accepts. Live SDK traffic stops at 2 years; history may go
 * further back, but ClickHouse refuses an insert touching more than 100 monthly partitions, so
 * the window stays at 5 years (61 months) plus the live hour ahead. */
export const IMPORT_MAX_AGE_MS = 5 * 365 * 24 * 60 * 60 * 1000;
/** Lines per submission, and submissions in flight: parsing the next chunk overlaps storing
 * the previous one, while memory stays bounded at CHUNK * (MAX_IN_FLIGHT + 1) lines. */
const CHUNK = 2000;
const MAX_IN_FLIGHT = 2;
const MAX_LISTED = 1000;

export interface ImportOptions {
  readonly format: 'ndjson' | 'csv';
  readonly dialect: Dialect;
  readonly defaultType: string;
}

export interface ImportRejection {
  readonly line: number;
  readonly code: string;
  readonly field: string;
  readonly message: string;
}

export interface ImportSummary {
  readonly lines: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly rejections: ImportRejection[];
  readonly rejectionsTruncated: boolean;
  readonly seconds: number;
}

const NO_USER_AGENT = {
  os: '',
  osVersion: '',
  browser: '',
  browserVersion: '',
  deviceModel: '',
  deviceType: '',
};

export async function runImport(
  input: Readable,
  app: AppInfo,
  deps: { readonly sink: EventSink; readonly metrics: CollectorMetrics },
  options: ImportOptions,
): Promise<ImportSummary> {
  const started = Date.now();
  const occurrences = new Map<string, number>();
  const rejections: ImportRejection[] = [];
  let rejected = 0;
  let accepted = 0;
  let lines = 0;
  let chunk: WireCandidate[] = [];
  const note = (r: ImportRejection) => {
    rejected++;
    if (rejections.length < MAX_LISTED) rejections.push(r);
  };
  const submit = async (candidates: WireCandidate[]) => {
    const outcome = await acceptEvents(
      candidates,
      {
        appId: app.appId,
        defaultBankCode: app.defaultBankCode,
        receiveTime: Date.now(),
        skewMs: 0,
        // The importing tool's own User-Agent and address say nothing about the events.
        userAgent: NO_USER_AGENT,
        ip: '',
      },
      deps,
      {
        maxAgeMs: IMPORT_MAX_AGE_MS,
        fieldPrefix: '',
        tooOldHint: 'time is more than 5 years in the past (the import window)',
      },
    );
    accepted += outcome.accepted;
    for (const r of outcome.rejected)
      note({ line: r.index, code: r.code, field: r.field, message: r.message });
  };
  const inFlight: Promise<void>[] = [];
  const flush = () => {
    if (chunk.length === 0) return;
    const submission = submit(chunk);
    submission.catch(() => {}); // surfaced when awaited below, in order
    inFlight.push(submission);
    chunk = [];
  };

  const rows = options.format === 'csv' ? csvRows(input) : ndjsonRows(input);
  for await (const row of rows) {
    lines = Math.max(lines, row.line);
    if ('problem' in row) {
      note({ line: row.line, code: row.problem.code, field: '', message: row.problem.message });
      continue;
    }
    const value =
      options.format === 'csv' ? csvRecordToObject(row.value as Record<string, string>) : row.value;
    const mapped = mapImportLine(value, row.line, {
      appId: app.appId,
      timeZone: app.timeZone,
      receiveTime: Date.now(),
      dialect: options.dialect,
      defaultType: options.defaultType,
    });
    if ('code' in mapped) {
      note({ line: row.line, code: mapped.code, field: mapped.field, message: mapped.message });
      continue;
    }
    if (!mapped.hasOwnIdentity) {
      const contentUuid = mapped.wire.uuid as string;
      const seen = occurrences.get(contentUuid) ?? 0;
      occurrences.set(contentUuid, seen + 1);
      mapped.wire.uuid = occurrenceUuid(contentUuid, seen);
    }
    chunk.push({ index: row.line, wire: mapped.wire });
    if (chunk.length >= CHUNK) {
      flush();
      if (inFlight.length >= MAX_IN_FLIGHT) await inFlight.shift();
    }
  }
  flush();
  for (const submission of inFlight) await submission;
  rejections.sort((a, b) => a.line - b.line);
  return {
    lines,
    accepted,
    rejected,
    rejections,
    rejectionsTruncated: rejected > rejections.length,
    seconds: (Date.now() - started) / 1000,
  };
}
