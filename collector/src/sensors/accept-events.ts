// The tail of the /v1/batch pipeline, shared by every other way events come in (the Sensors
// Analytics endpoint, the batch import): per-event validation with validateEvent, the time
// window, enrichment with buildRows, and the sink (ID-Mapping and the exactly-once writer behind
// it). It answers only once the accepted events are durable. Never a second pipeline: anything
// that must hold for SDK events is done by the functions called here, not re-implemented.
import { LIMITS } from '../batch/event-rules.ts';
import { type Rejection, type ValidEvent, validateEvent } from '../batch/validate-event.ts';
import { buildRows, correctedTime, type RequestContext } from '../enrichment/build-rows.ts';
import type { EventSink } from '../ingestion/sink.ts';
import type { CollectorMetrics } from '../metrics/collector-metrics.ts';

export interface AcceptOptions {
  /** Oldest accepted event time, as an age in ms: LIMITS.maxAgeMs for live traffic. */
  readonly maxAgeMs: number;
  /** Rejection field paths start with this instead of `events[i]`; '' gives paths inside the event. */
  readonly fieldPrefix: string;
  readonly tooOldHint: string;
}

export interface WireCandidate {
  /** Position reported in rejections (index in the request, or line number). */
  readonly index: number;
  readonly wire: unknown;
}

export interface AcceptOutcome {
  readonly accepted: number;
  readonly rejected: Rejection[];
}

export async function acceptEvents(
  candidates: readonly WireCandidate[],
  context: RequestContext,
  deps: { readonly sink: EventSink; readonly metrics: CollectorMetrics },
  options: AcceptOptions,
): Promise<AcceptOutcome> {
  const valid: ValidEvent[] = [];
  const rejected: Rejection[] = [];
  const at = (index: number, field: string) =>
    options.fieldPrefix ? `${options.fieldPrefix}[${index}]${field ? `.${field}` : ''}` : field;
  for (const { index, wire } of candidates) {
    const result = validateEvent(wire, index);
    if ('code' in result) {
      rejected.push({ ...result, field: at(index, result.field.replace(/^events\[\d+\]\.?/, '')) });
      continue;
    }
    const time = correctedTime(result, context);
    const field = at(index, 'time');
    if (time > context.receiveTime + LIMITS.futureToleranceMs) {
      rejected.push({
        index,
        code: 'TIME_IN_FUTURE',
        field,
        message: 'time is more than 1 hour in the future',
      });
    } else if (time < context.receiveTime - options.maxAgeMs) {
      rejected.push({ index, code: 'TIME_TOO_OLD', field, message: options.tooOldHint });
    } else valid.push(result);
  }
  for (const r of rejected) deps.metrics.rejected.inc({ reason: r.code });
  if (valid.length > 0) {
    await deps.sink.submit(buildRows(valid, context));
    deps.metrics.accepted.inc({ app: context.appId }, valid.length);
  }
  return { accepted: valid.length, rejected };
}
