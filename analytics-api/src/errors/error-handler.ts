// The API's single error handler: ApiError, Fastify's validation errors (a 400 naming the field
// and the rule that failed) and anything else as `{ error: { code, message, field? } }`.
// A 5xx never reveals internals: the cause goes to the log, the caller gets a fixed message.
import type { FastifyError, FastifyInstance } from 'fastify';
import { API_ERRORS, ApiError } from './catalogue.ts';

interface ValidationIssue {
  readonly instancePath?: string;
  readonly keyword?: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
}

/**
 * The field an ajv issue names, written as the models name theirs (`steps[0].event`, `password`),
 * so a caller reads one form whichever check refused the request; outside the body it says where
 * (`querystring.limit`, `params.id`).
 */
export function validationField(context: string | undefined, issue: ValidationIssue): string {
  const path = (issue.instancePath ?? '').split('/').filter(Boolean);
  const missing = issue.params?.missingProperty;
  if (typeof missing === 'string') path.push(missing);
  const extra = issue.params?.additionalProperty;
  if (typeof extra === 'string') path.push(extra);
  const location = context && context !== 'body' ? [context] : [];
  const field = [...location, ...path].reduce(
    (named, part) => (/^\d+$/.test(part) ? `${named}[${part}]` : named ? `${named}.${part}` : part),
    '',
  );
  // An issue with the whole body (not an object, say) has no path of its own.
  return field || (context ?? 'body');
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) {
      if (error.headers) reply.headers(error.headers);
      return reply.status(error.status).send({
        error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) },
      });
    }
    const fastifyError = error as FastifyError;
    const issue = fastifyError.validation?.[0] as ValidationIssue | undefined;
    if (issue) {
      const field = validationField(fastifyError.validationContext, issue);
      return reply.status(400).send({
        error: {
          code: 'VALIDATION_FAILED',
          message: `${field} ${issue.message ?? 'is invalid'} (rule: ${issue.keyword ?? 'schema'})`,
          field,
        },
      });
    }
    const status = fastifyError.statusCode ?? 500;
    if (status === 413)
      return reply
        .status(413)
        .send({ error: { code: 'BODY_TOO_LARGE', message: API_ERRORS.BODY_TOO_LARGE.message } });
    if (status < 500) {
      // Fastify's own 4xx (bad JSON, unsupported media type): their messages carry no internals.
      return reply
        .status(status)
        .send({ error: { code: fastifyError.code ?? 'BAD_REQUEST', message: fastifyError.message } });
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.status(500).send({ error: { code: 'INTERNAL', message: API_ERRORS.INTERNAL.message } });
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.status(404).send({ error: { code: 'NOT_FOUND', message: API_ERRORS.NOT_FOUND.message } }),
  );
}
