// OpenAPI description of POST /v1/batch (TypeBox). Documentation only: the route validates each
// event itself (validate-event.ts) so that one bad event never rejects its neighbours; keep the
// two in step, and collector/docs/wire-format.md with them.
import { Type } from '@sinclair/typebox';
import { EVENT_TYPES, LIMITS } from './event-rules.ts';

const PropertyValue = Type.Union([
  Type.String({ maxLength: LIMITS.maxStringBytes }),
  Type.Number(),
  Type.Boolean(),
  Type.Null(),
  Type.Array(Type.String(), { maxItems: LIMITS.maxArrayItems }),
]);

export const WireEvent = Type.Object(
  {
    type: Type.Optional(
      Type.Union(
        EVENT_TYPES.map((t) => Type.Literal(t)),
        { default: 'track' },
      ),
    ),
    event: Type.Optional(
      Type.String({ pattern: '^[$A-Za-z_][A-Za-z0-9_$.]{0,99}$', description: 'Required for track' }),
    ),
    uuid: Type.Optional(
      Type.String({ format: 'uuid', description: 'Same uuid on every retry; counted once' }),
    ),
    time: Type.Number({ description: 'Client time, ms since epoch; corrected by receive time - sent_at' }),
    distinct_id: Type.String({
      minLength: 1,
      maxLength: LIMITS.idMaxLength,
      description: 'Anonymous/device id',
    }),
    login_id: Type.Optional(
      Type.String({ minLength: 1, maxLength: LIMITS.idMaxLength, description: 'Customer id after login' }),
    ),
    session_id: Type.Optional(Type.String({ maxLength: LIMITS.idMaxLength })),
    properties: Type.Optional(
      Type.Record(Type.String(), PropertyValue, { maxProperties: LIMITS.maxProperties }),
    ),
    identities: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'bind/unbind only' })),
  },
  { additionalProperties: true },
);

export const BatchBody = Type.Object({
  sent_at: Type.Optional(Type.Number({ description: 'Client clock at sending, ms since epoch' })),
  write_key: Type.Optional(Type.String({ description: 'Alternative to the X-Tally-Key header' })),
  events: Type.Array(WireEvent, { maxItems: 1000 }),
});

const ErrorBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), field: Type.Optional(Type.String()) }),
});

export const BatchResponses = {
  200: Type.Object(
    {
      accepted: Type.Integer({ description: 'Events now durable' }),
      rejected: Type.Array(
        Type.Object({
          index: Type.Integer(),
          code: Type.String(),
          field: Type.String(),
          message: Type.String(),
        }),
        { description: 'Events refused for good; do not retry them' },
      ),
    },
    { description: 'Accepted events are durable; rejected ones are listed' },
  ),
  400: { ...ErrorBody, description: 'Unreadable request (not JSON, bad gzip, no events array)' },
  401: { ...ErrorBody, description: 'Missing or unknown write key' },
  413: { ...ErrorBody, description: 'Body or batch too large' },
  503: {
    ...ErrorBody,
    description: 'Storage unavailable; retry the same batch (same uuids) after Retry-After',
  },
};
