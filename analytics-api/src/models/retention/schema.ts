// Retention (留存分析): query and result shapes. See ../README.md for the exact counting rules.
import { type Static, Type } from '@sinclair/typebox';
import { listedGroupProperty, personPageProperties } from '../common/person-list.ts';
import {
  commonQueryProperties,
  EventSelectorSchema,
  GroupValueSchema,
  ResultMetaSchema,
} from '../common/query-schema.ts';

export const RETENTION_PERIODS = ['day', 'week', 'month'] as const;
export type RetentionPeriod = (typeof RETENTION_PERIODS)[number];
export const MAX_PERIODS: Record<RetentionPeriod, number> = { day: 90, week: 12, month: 12 };

export const RetentionQuerySchema = Type.Object(
  {
    ...commonQueryProperties,
    initial: EventSelectorSchema,
    returning: EventSelectorSchema,
    period: Type.Optional(
      Type.Union(
        RETENTION_PERIODS.map((p) => Type.Literal(p)),
        { default: 'day' },
      ),
    ),
    periods: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 90,
        default: 7,
        description: 'N (up to 90 days / 12 weeks / 12 months)',
      }),
    ),
    mode: Type.Optional(
      Type.Union([Type.Literal('recurring'), Type.Literal('first_time')], {
        default: 'recurring',
        description: 'first_time: cohort on the first ever initial event; recurring: every period with one',
      }),
    ),
    window: Type.Optional(
      Type.Union([Type.Literal('on'), Type.Literal('on_or_after')], {
        default: 'on',
        description: 'on: returned in period k; on_or_after: in period k or any later one',
      }),
    ),
  },
  { additionalProperties: false },
);
export type RetentionQuery = Static<typeof RetentionQuerySchema>;

const Counts = Type.Array(Type.Union([Type.Integer(), Type.Null()]), {
  description: 'Index k = period k (0..N); null where period k has not started yet',
});
const Rates = Type.Array(Type.Union([Type.Number(), Type.Null()]));

export const RetentionRowSchema = Type.Object({
  /** First day of the cohort period, YYYY-MM-DD in the time zone; 'average' for the weighted row. */
  cohort: Type.String(),
  group: Type.Union([GroupValueSchema, Type.Null()]),
  size: Type.Integer(),
  retained: Counts,
  rates: Rates,
});
export type RetentionRow = Static<typeof RetentionRowSchema>;

export const RetentionResultSchema = Type.Object({
  period: Type.String(),
  periods: Type.Integer(),
  cohorts: Type.Array(RetentionRowSchema),
  /** Weighted average per group (one row with group null when not grouped): cohorts whose period k has started. */
  average: Type.Array(RetentionRowSchema),
  meta: ResultMetaSchema,
});
export type RetentionResult = Static<typeof RetentionResultSchema>;

export const RetentionPersonsQuerySchema = Type.Object(
  {
    ...RetentionQuerySchema.properties,
    cohort: Type.String({
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      description: 'A cohort from the result (the first day of its period, YYYY-MM-DD)',
    }),
    status: Type.Union([Type.Literal('entered'), Type.Literal('retained'), Type.Literal('lost')], {
      description:
        'entered: the cohort; retained: returned in period returnPeriod (or later, with on_or_after); ' +
        'lost: in the cohort but not retained in it',
    }),
    returnPeriod: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 90, description: 'k (0..periods); needed by retained / lost' }),
    ),
    ...listedGroupProperty,
    ...personPageProperties,
  },
  { additionalProperties: false },
);
export type RetentionPersonsQuery = Static<typeof RetentionPersonsQuerySchema>;
