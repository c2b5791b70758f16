// POST /v1/batch: authenticate by write key, read the body (JSON, text/plain from sendBeacon,
// gzip), validate every event on its own, enrich the good ones, and answer only once they are
// durable. Bad events come back with their index and reason; only an unreadable request is
// refused whole. Never acknowledges a batch the sink did not confirm.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDirectory } from '../apps/app-directory.ts';
import type { CollectorConfig } from '../config.ts';
import { buildRows, correctedTime, type RequestContext } from '../enrichment/build-rows.ts';
import { parseUserAgent } from '../enrichment/user-agent.ts';
import { CollectorError } from '../errors/catalogue.ts';
import type { EventSink } from '../ingestion/sink.ts';
import type { CollectorMetrics } from '../metrics/collector-metrics.ts';
import { BatchBody, BatchResponses } from './batch-schema.ts';
import { decodeBody } from './decode-body.ts';
import { LIMITS } from './event-rules.ts';
import { type Rejection, type ValidEvent, validateEvent } from './validate-event.ts';

export interface BatchRouteDeps {
  readonly config: CollectorConfig;
  readonly sink: EventSink;
  readonly apps: AppDirectory;
  readonly metrics: CollectorMetrics;
}

export function batchRoutes(deps: BatchRouteDeps) {
  const { config, sink, apps, metrics } = deps;
  return async (app: FastifyInstance) => {
    // This scope reads every body as raw bytes: gzip and text/plain need the same path as JSON.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: config.limits.maxBodyBytes },
      (_req, body, done) => done(null, body),
    );

    app.post(
      '/v1/batch',
      {
        schema: {
          summary: 'Send a batch of events and profile operations',
          description:
            'See collector/docs/wire-format.md. Accepted events are durable when this answers 200.',
          body: BatchBody,
          querystring: {
            type: 'object',
            properties: { key: { type: 'string', description: 'Write key (sendBeacon)' } },
          },
          headers: { type: 'object', properties: { 'x-tally-key': { type: 'string' } } },
          response: BatchResponses,
        },
        // The schema documents; validation is per event below, so that one bad event never
        // rejects its neighbours.
        validatorCompiler: () => () => true,
      },
      async (request, reply) => {
        const receiveTime = Date.now();
        const body = decodeBody(
          Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
          request.headers['content-encoding'],
          config.limits.maxDecompressedBytes,
        );
        if (typeof body !== 'object' || body === null || Array.isArray(body))
          throw new CollectorError('BATCH_NOT_OBJECT');
        const batch = body as { events?: unknown; sent_at?: unknown; write_key?: unknown };
        const appInfo = await authenticate(request, batch.write_key, apps);
        if (!Array.isArray(batch.events))
          throw new CollectorError('BATCH_EVENTS_MISSING', undefined, 'events');
        if (batch.events.length > config.limits.maxEventsPerBatch) {
          throw new CollectorError(
            'BATCH_TOO_MANY_EVENTS',
            `at most ${config.limits.maxEventsPerBatch}`,
            'events',
          );
        }
        if (
          batch.sent_at !== undefined &&
          (typeof batch.sent_at !== 'number' || !Number.isFinite(batch.sent_at))
        ) {
          throw new CollectorError('BATCH_SENT_AT_INVALID', undefined, 'sent_at');
        }
        const context: RequestContext = {
          appId: appInfo.appId,
          defaultBankCode: appInfo.defaultBankCode,
          receiveTime,
          skewMs: typeof batch.sent_at === 'number' ? receiveTime - batch.sent_at : 0,
          userAgent: parseUserAgent(request.headers['user-agent']),
          ip: request.ip,
        };
        const valid: ValidEvent[] = [];
        const rejected: Rejection[] = [];
        batch.events.forEach((raw, index) => {
          const result = validateEvent(raw, index);
          if ('code' in result) rejected.push(result);
          else {
            const timeProblem = checkTime(result, context, index);
            if (timeProblem) rejected.push(timeProblem);
            else valid.push(result);
          }
        });
        for (const r of rejected) metrics.rejected.inc({ reason: r.code });
        if (valid.length > 0) {
          await sink.submit(buildRows(valid, context));
          metrics.accepted.inc({ app: appInfo.appId }, valid.length);
        }
        return reply.send({ accepted: valid.length, rejected });
      },
    );
  };
}

async function authenticate(request: FastifyRequest, bodyKey: unknown, apps: AppDirectory) {
  const header = request.headers['x-tally-key'];
  const query = (request.query as { key?: unknown } | undefined)?.key;
  const key =
    typeof header === 'string' && header
      ? header
      : typeof query === 'string' && query
        ? query
        : typeof bodyKey === 'string'
          ? bodyKey
          : '';
  if (!key) throw new CollectorError('WRITE_KEY_MISSING');
  const app = await apps.byWriteKey(key);
  if (!app) throw new CollectorError('WRITE_KEY_INVALID');
  return app;
}

function checkTime(event: ValidEvent, context: RequestContext, index: number): Rejection | null {
  const time = correctedTime(event, context);
  if (time > context.receiveTime + LIMITS.futureToleranceMs) {
    return {
      index,
      code: 'TIME_IN_FUTURE',
      field: `events[${index}].time`,
      message: 'time is more than 1 hour in the future (after clock-skew correction)',
    };
  }
  if (time < context.receiveTime - LIMITS.maxAgeMs) {
    return {
      index,
      code: 'TIME_TOO_OLD',
      field: `events[${index}].time`,
      message: 'time is more than 2 years in the past; use the batch import for history',
    };
  }
  return null;
}
