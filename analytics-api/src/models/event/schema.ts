// Event analysis (事件分析): query and result shapes. Metrics are events with their own filters and
// an aggregation; formulas combine metrics by letter (A = first metric); compare adds the same
// number of days just before the range.
import { type Static, Type } from '@sinclair/typebox';
import { listedGroupProperty, personPageProperties } from '../common/person-list.ts';
import {
  commonQueryProperties,
  FilterSchema,
  GroupValueSchema,
  ResultMetaSchema,
} from '../common/query-schema.ts';

export const AGGREGATIONS = ['count', 'users', 'per_user', 'sum', 'avg', 'max', 'min', 'distinct'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];
export const PROPERTY_AGGREGATIONS = new Set<Aggregation>(['sum', 'avg', 'max', 'min', 'distinct']);

export const MetricSchema = Type.Object(
  {
    event: Type.String({ minLength: 1, maxLength: 128, description: 'Event name, or "$any"' }),
    filters: Type.Optional(Type.Array(FilterSchema, { maxItems: 20 })),
    aggregation: Type.Union(
      AGGREGATIONS.map((a) => Type.Literal(a)),
      {
        description:
          'count: events; users: unique customers; per_user: events per customer; sum/avg/max/min of a ' +
          'numeric property; distinct: distinct values of any property',
      },
    ),
    property: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    label: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type Metric = Static<typeof MetricSchema>;

export const FormulaSchema = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: 100 }),
    expression: Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[A-J0-9+\\-*/(). ]+$',
      description: 'Arithmetic over metric letters, e.g. "B/A*100"',
    }),
  },
  { additionalProperties: false },
);
export type Formula = Static<typeof FormulaSchema>;

export const EventQuerySchema = Type.Object(
  {
    ...commonQueryProperties,
    metrics: Type.Array(MetricSchema, { minItems: 1, maxItems: 10 }),
    formulas: Type.Optional(Type.Array(FormulaSchema, { maxItems: 5 })),
    compare: Type.Optional(Type.Boolean({ default: false, description: 'Also compute the previous period' })),
  },
  { additionalProperties: false },
);
export type EventQuery = Static<typeof EventQuerySchema>;

export const EventSeriesSchema = Type.Object({
  /** 'A'..'J' for metrics, 'F1'.. for formulas. */
  key: Type.String(),
  label: Type.String(),
  group: Type.Union([GroupValueSchema, Type.Null()]),
  /** One value per period; null where undefined (avg of nothing, division by zero). */
  values: Type.Array(Type.Union([Type.Number(), Type.Null()])),
  /** The value over the whole range (unique users are not the sum of the periods). */
  total: Type.Union([Type.Number(), Type.Null()]),
});
export type EventSeries = Static<typeof EventSeriesSchema>;

export const EventPeriodResultSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  periods: Type.Array(Type.String()),
  series: Type.Array(EventSeriesSchema),
});
export type EventPeriodResult = Static<typeof EventPeriodResultSchema>;

export const EventResultSchema = Type.Object({
  ...EventPeriodResultSchema.properties,
  previous: Type.Optional(EventPeriodResultSchema),
  meta: ResultMetaSchema,
});
export type EventResult = Static<typeof EventResultSchema>;

export const EventPersonsQuerySchema = Type.Object(
  {
    ...EventQuerySchema.properties,
    metric: Type.String({ pattern: '^[A-J]$', description: "A metric's series key (A = the first metric)" }),
    period: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 32,
        description: "A label of the result's periods; absent: the whole range (the series total)",
      }),
    ),
    ...listedGroupProperty,
    ...personPageProperties,
  },
  { additionalProperties: false },
);
export type EventPersonsQuery = Static<typeof EventPersonsQuerySchema>;
