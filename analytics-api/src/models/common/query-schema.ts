// The parts every analysis query shares (app, dates in a time zone, granularity, filters, group-by,
// org narrowing), as TypeBox schemas: they validate request bodies at the boundary, document the
// API in /openapi.json and give the TypeScript types the engine and the console use.
// Only shapes and limits live here; names are checked against the catalog by check-names.ts.
import { type Static, Type } from '@sinclair/typebox';

const PROPERTY_NAME = Type.String({
  minLength: 1,
  maxLength: 128,
  description: 'A property name from the catalog; preset columns use their $ name ($os, $bank_code, ...)',
});

export const FILTER_OPS = [
  'eq',
  'neq',
  'contains',
  'not_contains',
  'in',
  'not_in',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'is_set',
  'not_set',
  'before',
  'after',
] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export const FilterSchema = Type.Object(
  {
    source: Type.Optional(
      Type.Union([Type.Literal('event'), Type.Literal('user')], {
        default: 'event',
        description: 'event: a property of the event; user: a property of the customer profile (as of now)',
      }),
    ),
    property: PROPERTY_NAME,
    op: Type.Union(
      FILTER_OPS.map((op) => Type.Literal(op)),
      {
        description:
          'eq/neq/in/not_in: equality (numbers compare as numbers); contains/not_contains: substring; ' +
          'gt/gte/lt/lte/between: numeric; before/after: dates (ISO text, compared as text); is_set/not_set',
      },
    ),
    values: Type.Optional(
      Type.Array(Type.Union([Type.String({ maxLength: 1024 }), Type.Number()]), { maxItems: 1000 }),
    ),
  },
  { additionalProperties: false },
);
export type Filter = Static<typeof FilterSchema>;

export const ANY_EVENT = '$any';

export const EventSelectorSchema = Type.Object(
  {
    event: Type.String({
      minLength: 1,
      maxLength: 128,
      description: `An event name from the catalog, or "${ANY_EVENT}" for any event where the model allows it`,
    }),
    filters: Type.Optional(Type.Array(FilterSchema, { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type EventSelector = Static<typeof EventSelectorSchema>;

export const GroupBySchema = Type.Object(
  {
    source: Type.Optional(Type.Union([Type.Literal('event'), Type.Literal('user')], { default: 'event' })),
    property: PROPERTY_NAME,
    buckets: Type.Optional(
      Type.Array(Type.Number(), {
        minItems: 1,
        maxItems: 50,
        description: 'Numeric property: ascending boundaries; values fall into [b_i, b_i+1) ranges',
      }),
    ),
  },
  { additionalProperties: false },
);
export type GroupBy = Static<typeof GroupBySchema>;

export const GRANULARITIES = ['hour', 'day', 'week', 'month', 'total'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

const DATE = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD in timeZone' });

/** Properties shared by every model's query body; spread into each model's Type.Object. */
export const commonQueryProperties = {
  appId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }),
  orgCode: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'Narrow to this org node (within your subtree)',
    }),
  ),
  from: DATE,
  to: { ...DATE, description: 'YYYY-MM-DD in timeZone, inclusive' },
  timeZone: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, default: 'Asia/Shanghai', description: 'IANA time zone' }),
  ),
  granularity: Type.Optional(
    Type.Union(
      GRANULARITIES.map((g) => Type.Literal(g)),
      { default: 'day' },
    ),
  ),
  filters: Type.Optional(Type.Array(FilterSchema, { maxItems: 20, description: 'Global filters (AND)' })),
  groupBy: Type.Optional(Type.Array(GroupBySchema, { maxItems: 2 })),
  groupLimit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 100,
      default: 10,
      description: 'Top N groups; the rest are "$others"',
    }),
  ),
};

const CommonQuerySchema = Type.Object(commonQueryProperties);
export type CommonQuery = Static<typeof CommonQuerySchema>;

/** The label of the group that collects every group value outside the top N. */
export const OTHERS_GROUP = '$others';

/** Common part of every result: how the answer was produced. */
export const ResultMetaSchema = Type.Object({
  cached: Type.Boolean(),
  durationMs: Type.Number(),
  timeZone: Type.String(),
  dataVersion: Type.String(),
});
export type ResultMeta = Static<typeof ResultMetaSchema>;

/** A group value per group-by entry; null where the property is not set. */
export const GroupValueSchema = Type.Array(Type.Union([Type.String(), Type.Null()]));
export type GroupValue = Static<typeof GroupValueSchema>;
