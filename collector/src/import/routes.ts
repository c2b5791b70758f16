// POST /v1/import: a whole NDJSON or CSV file of historical events and profiles in one streamed
// request body, authenticated by the app's write key like /v1/batch. Processed as it arrives
// (run-import.ts) and answered with the summary once every accepted line is durable. A failed
// request (503, dropped connection) is safe to repeat with the same file: uuids are derived
// from the lines, so nothing is counted twice. Never buffers the whole body.
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDirectory } from '../apps/app-directory.ts';
import { CollectorError } from '../errors/catalogue.ts';
import type { EventSink } from '../ingestion/sink.ts';
import type { CollectorMetrics } from '../metrics/collector-metrics.ts';
import type { Dialect } from './import-line.ts';
import { runImport } from './run-import.ts';

export interface ImportRouteDeps {
  readonly sink: EventSink;
  readonly apps: AppDirectory;
  readonly metrics: CollectorMetrics;
}

const DIALECTS = new Set<Dialect>(['auto', 'tally', 'sensors']);
const TYPES = new Set([
  'track',
  'profile_set',
  'profile_set_once',
  'profile_increment',
  'profile_append',
  'profile_unset',
  'profile_delete',
  'bind',
  'unbind',
]);

interface ImportQuery {
  format?: unknown;
  dialect?: unknown;
  type?: unknown;
  app?: unknown;
  key?: unknown;
}

export function importRoutes(deps: ImportRouteDeps) {
  return async (app: FastifyInstance) => {
    // The body stays a stream: files are far larger than the SDK body limit.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

    app.post(
      '/v1/import',
      {
        schema: {
          summary: 'Import historical events and profiles (NDJSON or CSV), see collector/docs/import.md',
          querystring: {
            type: 'object',
            properties: {
              format: { type: 'string', enum: ['ndjson', 'csv'] },
              dialect: { type: 'string', enum: ['auto', 'tally', 'sensors'] },
              type: { type: 'string', description: 'Type of rows that name none (default track)' },
              app: { type: 'string', description: 'Expected app id; refused when the key is of another app' },
            },
          },
          headers: { type: 'object', properties: { 'x-tally-key': { type: 'string' } } },
        },
        validatorCompiler: () => () => true,
      },
      async (request, reply) => {
        const query = (request.query ?? {}) as ImportQuery;
        const appInfo = await authenticate(request, query, deps.apps);
        const contentType = (request.headers['content-type'] ?? '').toLowerCase();
        const format = query.format ?? (contentType.includes('csv') ? 'csv' : 'ndjson');
        if (format !== 'ndjson' && format !== 'csv')
          throw new CollectorError('IMPORT_FORMAT_INVALID', undefined, 'format');
        const dialect = query.dialect ?? 'auto';
        if (typeof dialect !== 'string' || !DIALECTS.has(dialect as Dialect))
          throw new CollectorError(
            'IMPORT_OPTION_INVALID',
            'dialect must be auto, tally or sensors',
            'dialect',
          );
        const defaultType = query.type ?? 'track';
        if (typeof defaultType !== 'string' || !TYPES.has(defaultType))
          throw new CollectorError(
            'IMPORT_OPTION_INVALID',
            `type must be one of ${[...TYPES].join(', ')}`,
            'type',
          );
        let body: Readable = (request.body as Readable | undefined) ?? Readable.from([]);
        const encoding = (request.headers['content-encoding'] ?? '').toLowerCase();
        if (encoding === 'gzip') body = body.pipe(createGunzip());
        else if (encoding && encoding !== 'identity')
          throw new CollectorError('BODY_ENCODING_UNSUPPORTED', encoding.slice(0, 40));
        try {
          const summary = await runImport(body, appInfo, deps, {
            format,
            dialect: dialect as Dialect,
            defaultType,
          });
          return reply.send(summary);
        } catch (error) {
          if ((error as { code?: string }).code === 'Z_DATA_ERROR') throw new CollectorError('BODY_NOT_GZIP');
          throw error;
        }
      },
    );
  };
}

async function authenticate(request: FastifyRequest, query: ImportQuery, apps: AppDirectory) {
  const header = request.headers['x-tally-key'];
  const key = typeof header === 'string' && header ? header : typeof query.key === 'string' ? query.key : '';
  if (!key) throw new CollectorError('WRITE_KEY_MISSING');
  const app = await apps.byWriteKey(key);
  if (!app) throw new CollectorError('WRITE_KEY_INVALID');
  if (query.app !== undefined && query.app !== app.appId)
    throw new CollectorError('IMPORT_OPTION_INVALID', `the write key belongs to app ${app.appId}`, 'app');
  return app;
}
