// Liveness and readiness: /healthz answers while the process runs; /readyz only while the
// transport accepts work, so a load balancer stops sending batches to a collector whose storage
// or broker is down instead of collecting 503s.
import type { FastifyInstance } from 'fastify';
import type { EventSink } from '../ingestion/sink.ts';

export function healthRoutes(sink: EventSink) {
  return async (app: FastifyInstance) => {
    app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
    app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
      const ready = sink.ready();
      return reply
        .status(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'storage unavailable', pending: sink.pending() });
    });
  };
}
