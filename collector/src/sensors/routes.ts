// The Sensors Analytics (神策) endpoint: GET/POST /sa and /sa.gif, so an app instrumented with an
// SA SDK changes only its server_url, e.g. https://collect.bank/sa?project=<app id>&token=<write key>.
// Reads the records (sa-payload.ts), maps each onto Tally's wire format (sa-record.ts) and hands
// them to the same validation / enrichment / exactly-once path as /v1/batch (accept-events.ts).
// Answers like SA's collector: 200 with an empty body when every record was taken. Never
// acknowledges records the sink did not confirm.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDirectory } from '../apps/app-directory.ts';
import { LIMITS } from '../batch/event-rules.ts';
import type { Rejection } from '../batch/validate-event.ts';
import type { CollectorConfig } from '../config.ts';
import { parseUserAgent } from '../enrichment/user-agent.ts';
import { COLLECTOR_ERRORS, CollectorError } from '../errors/catalogue.ts';
import type { EventSink } from '../ingestion/sink.ts';
import type { CollectorMetrics } from '../metrics/collector-metrics.ts';
import { acceptEvents, type WireCandidate } from './accept-events.ts';
import { readSaRecords } from './sa-payload.ts';
import { mapSaRecord } from './sa-record.ts';

export interface SensorsRouteDeps {
  readonly config: CollectorConfig;
  readonly sink: EventSink;
  readonly apps: AppDirectory;
  readonly metrics: CollectorMetrics;
}

const QUERY = {
  type: 'object',
  properties: {
    project: { type: 'string', description: 'The Tally app id (optional; checked against the token)' },
    token: { type: 'string', description: "The app's write key" },
    data: { type: 'string', description: 'base64 of one JSON record (image beacons)' },
    gzip: { type: 'string', description: '1: data is gzip then base64' },
  },
} as const;

export function sensorsRoutes(deps: SensorsRouteDeps) {
  const { config, sink, apps, metrics } = deps;
  return async (app: FastifyInstance) => {
    // Form bodies, text/plain beacons, JSON and gzip all arrive as raw bytes here.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: config.limits.maxBodyBytes },
      (_req, body, done) => done(null, body),
    );

    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const receiveTime = Date.now();
      const query = (request.query ?? {}) as Record<string, unknown>;
      const appInfo = await authenticate(request, query, apps);
      const records = readSaRecords(
        {
          query,
          body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
          contentType: request.headers['content-type'],
          contentEncoding: request.headers['content-encoding'],
        },
        {
          maxDecompressedBytes: config.limits.maxDecompressedBytes,
          maxRecords: config.limits.maxEventsPerBatch,
        },
      );
      const fieldPrefix = 'records';
      const candidates: WireCandidate[] = [];
      const rejected: Rejection[] = [];
      records.forEach((raw, index) => {
        const mapped = mapSaRecord(raw, index, {
          appId: appInfo.appId,
          receiveTime,
          clockCorrection: true,
          fieldPrefix,
        });
        if ('code' in mapped) rejected.push(mapped);
        else candidates.push({ index, wire: mapped.wire });
      });
      const outcome = await acceptEvents(
        candidates,
        {
          appId: appInfo.appId,
          defaultBankCode: appInfo.defaultBankCode,
          receiveTime,
          skewMs: 0, // applied per record from _flush_time by mapSaRecord
          userAgent: parseUserAgent(request.headers['user-agent']),
          ip: request.ip,
        },
        { sink, metrics },
        {
          maxAgeMs: LIMITS.maxAgeMs,
          fieldPrefix,
          tooOldHint: 'time is more than 2 years in the past; use the batch import for history',
        },
      );
      rejected.push(...outcome.rejected);
      rejected.sort((a, b) => a.index - b.index);
      if (rejected.length === 0) return reply.status(200).send('');
      if (outcome.accepted === 0) {
        // Nothing taken: a clear 4xx naming the first record's field and rule, and all the others.
        const first = rejected[0]!;
        return reply.status(400).send({
          error: {
            code: 'SA_NO_RECORD_ACCEPTED',
            message: `${COLLECTOR_ERRORS.SA_NO_RECORD_ACCEPTED.message}: ${first.message}`,
            field: first.field,
          },
          rejected,
        });
      }
      // Some taken: 200 (SA SDKs must not resend the good ones), the reasons in the body.
      return reply.status(200).send({ accepted: outcome.accepted, rejected });
    };

    const schema = {
      summary: 'Sensors Analytics compatible intake (see collector/docs/sensors-compat.md)',
      querystring: QUERY,
      security: [],
    };
    // The schema documents; the handler checks everything itself, with SA-specific messages.
    const validatorCompiler = () => () => true;
    for (const url of ['/sa', '/sa.gif']) {
      const options = { schema: { ...schema, hide: url === '/sa.gif' }, validatorCompiler };
      app.get(url, options, handler);
      app.post(url, options, handler);
    }
  };
}

async function authenticate(request: FastifyRequest, query: Record<string, unknown>, apps: AppDirectory) {
  const header = request.headers['x-tally-key'];
  const key =
    typeof query.token === 'string' && query.token
      ? query.token
      : typeof header === 'string' && header
        ? header
        : typeof query.key === 'string'
          ? query.key
          : '';
  if (!key)
    throw new CollectorError(
      'WRITE_KEY_MISSING',
      'for Sensors Analytics SDKs put ?token=<write key> in server_url',
    );
  const app = await apps.byWriteKey(key);
  if (!app) throw new CollectorError('WRITE_KEY_INVALID');
  if (query.project !== undefined && query.project !== app.appId)
    throw new CollectorError('SA_PROJECT_MISMATCH', undefined, 'project');
  return app;
}
