// Builds the collector's Fastify app without listening (tests drive it with inject()). Each
// feature is an encapsulated plugin; the transport (sink) and the key lookup are passed in, so
// the same app runs embedded, against Kafka, or in tests.
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { AppDirectory } from './apps/app-directory.ts';
import { batchRoutes } from './batch/routes.ts';
import type { CollectorConfig } from './config.ts';
import { installErrorHandler } from './errors/error-handler.ts';
import { healthRoutes } from './health/routes.ts';
import { importRoutes } from './import/routes.ts';
import type { EventSink } from './ingestion/sink.ts';
import { createCollectorMetrics } from './metrics/collector-metrics.ts';
import { sensorsRoutes } from './sensors/routes.ts';

export interface CollectorAppOptions {
  readonly config: CollectorConfig;
  readonly sink: EventSink;
  readonly apps: AppDirectory;
  /** PEM certificate and key: serve HTTPS instead of HTTP. */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
  readonly fastify?: FastifyServerOptions;
}

export async function buildApp(options: CollectorAppOptions): Promise<FastifyInstance> {
  const { config, sink, apps } = options;
  const serverOptions: FastifyServerOptions & { https?: { cert: Buffer; key: Buffer } } = {
    logger: { level: config.logLevel },
    trustProxy: config.trustProxy,
    bodyLimit: config.limits.maxBodyBytes,
    ...options.fastify,
    ...(options.tls ? { https: { cert: options.tls.cert, key: options.tls.key } } : {}),
  };
  // The HTTPS server type differs only in the underlying node server; routes are the same.
  const app = Fastify(serverOptions) as unknown as FastifyInstance;
  installErrorHandler(app);
  const metrics = createCollectorMetrics(sink);
  app.addHook('onResponse', async (request, reply) => {
    metrics.requests.inc({ status: String(reply.statusCode) });
    metrics.latency.observe({ route: request.routeOptions.url ?? 'unknown' }, reply.elapsedTime / 1000);
  });

  // OpenAPI for everything registered after it (the wire format must be buildable from docs).
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Tally collector',
        version: '1',
        description:
          'Event intake for the Tally SDKs. See collector/docs/wire-format.md for the full contract.',
      },
      components: {
        securitySchemes: { writeKey: { type: 'apiKey', in: 'header', name: 'X-Tally-Key' } },
      },
      security: [{ writeKey: [] }],
    },
  });
  // Browsers call the collector from the bank's pages: the write key is public by design and
  // can only append events, so any origin may send.
  await app.register(cors, {
    origin: true,
    methods: ['POST', 'GET', 'OPTIONS'],
    allowedHeaders: ['Content-Type', 'Content-Encoding', 'X-Tally-Key'],
    maxAge: 86_400,
  });
  // Health and metrics: no auth, no body.
  await app.register(healthRoutes(sink));
  await app.register(async (scope) => {
    scope.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
      reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  });
  // The SDK endpoint, in its own scope (raw-body parsing applies only there).
  await app.register(batchRoutes({ config, sink, apps, metrics }));
  // Sensors Analytics SDKs (migration path) and the batch import feed the same pipeline.
  await app.register(sensorsRoutes({ config, sink, apps, metrics }));
  await app.register(importRoutes({ sink, apps, metrics }));
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
