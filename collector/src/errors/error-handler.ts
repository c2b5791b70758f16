// The collector's single error handler: renders CollectorError, storage outages and Fastify's
// own errors as `{ error: { code, message, field? } }`. A 5xx never reveals internals.
import type { FastifyError, FastifyInstance } from 'fastify';
import { SinkUnavailableError } from '../ingestion/sink.ts';
import { COLLECTOR_ERRORS, CollectorError } from './catalogue.ts';

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | CollectorError | SinkUnavailableError, request, reply) => {
    if (error instanceof CollectorError) {
      return reply.status(error.status).send({
        error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) },
      });
    }
    if (error instanceof SinkUnavailableError) {
      request.log.warn({ err: error }, 'storage unavailable, answered 503');
      return reply
        .status(503)
        .header('retry-after', String(error.retryAfterS))
        .send({
          error: { code: 'STORAGE_UNAVAILABLE', message: COLLECTOR_ERRORS.STORAGE_UNAVAILABLE.message },
        });
    }
    const status = (error as FastifyError).statusCode ?? 500;
    if (status === 413)
      return reply
        .status(413)
        .send({ error: { code: 'BODY_TOO_LARGE', message: COLLECTOR_ERRORS.BODY_TOO_LARGE.message } });
    if (status < 500) {
      return reply
        .status(status)
        .send({ error: { code: (error as FastifyError).code ?? 'BAD_REQUEST', message: error.message } });
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply
      .status(500)
      .send({ error: { code: 'INTERNAL', message: COLLECTOR_ERRORS.INTERNAL.message } });
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.status(404).send({ error: { code: 'NOT_FOUND', message: COLLECTOR_ERRORS.NOT_FOUND.message } }),
  );
}
