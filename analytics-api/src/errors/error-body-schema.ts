// The error answer every route gives, as a schema for /openapi.json: `{ error: { code, message,
// field? } }`. Documentation only: the body itself is built by error-handler.ts.
import { type TSchema, Type } from '@sinclair/typebox';
import { API_ERRORS, type ApiErrorCode } from './catalogue.ts';

function errorBody(codes: readonly ApiErrorCode[]): TSchema {
  return Type.Object({
    error: Type.Object({
      code: Type.Union(
        codes.map((c) => Type.Literal(c, { description: API_ERRORS[c].message })),
        { description: 'stable, for programs' },
      ),
      message: Type.String({ description: 'for people: what happened and what to do' }),
      field: Type.Optional(
        Type.String({ description: 'the request field at fault, e.g. steps[0].event, filters[1].values' }),
      ),
    }),
  });
}

/** The answers an analysis route gives besides 200, by status, with the codes each may carry. */
export function analysisErrorResponses(): Record<number, TSchema> {
  return {
    400: errorBody([
      'VALIDATION_FAILED',
      'UNKNOWN_EVENT',
      'UNKNOWN_PROPERTY',
      'FILTER_INVALID',
      'SENSITIVE_PROPERTY',
    ]),
    401: errorBody(['NOT_AUTHENTICATED', 'SESSION_INVALID', 'TOKEN_INVALID', 'WRITE_KEY_NOT_ACCEPTED']),
    403: errorBody(['PERMISSION_DENIED', 'ORG_OUT_OF_SCOPE', 'CSRF_TOKEN_INVALID']),
    422: errorBody(['QUERY_TOO_EXPENSIVE']),
    503: errorBody(['ANALYSIS_BUSY']),
  };
}
