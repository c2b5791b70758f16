// LTV (LTV 分析): query and result shapes. Customers enter a cohort by the day (or week) of their
// first initial event in the range; their value is the sum of a numeric property of a value event
// from that initial event on, accumulated per calendar day in the query's zone up to day N.
import { type Static, Type } from '@sinclair/typebox';
import { listedGroupProperty, personPageProperties } from '../common/person-list.ts';
import {
  commonQueryProperties,
  EventSelectorSchema,
  GroupValueSchema,
  ResultMetaSchema,
} from '../common/query-schema.ts';

export const LTV_MAX_DAYS = 180;

export const LtvQuerySchema = Type.Object(
  {
    ...commonQueryProperties,
    initialEvent: {
      ...EventSelectorSchema,
      description:
        'The event that puts a customer in a cohort (first occurrence in the range), e.g. account opening',
    },
    valueEvent: {
      ...EventSelectorSchema,
      description: 'The event that carries value, e.g. a wealth-product purchase',
    },
    valueProperty: Type.String({
      minLength: 1,
      maxLength: 128,
      description: 'Numeric property of the value event summed as value (events without it add 0)',
    }),
    days: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: LTV_MAX_DAYS,
        default: 30,
        description: 'N: cumulative LTV on day 1..N, day 1 being the day of the initial event',
      }),
    ),
    cohortPeriod: Type.Optional(
      Type.Union([Type.Literal('day'), Type.Literal('week')], {
        default: 'day',
        description: 'Cohorts by the day or the week (Monday first) of the initial event',
      }),
    ),
  },
  { additionalProperties: false },
);
export type LtvQuery = Static<typeof LtvQuerySchema>;

const Values = Type.Array(Type.Union([Type.Number(), Type.Null()]), {
  description: 'Index k-1 = day k; null where day k has not begun yet for every customer of that cohort',
});

export const LtvCohortSchema = Type.Object({
  /** First day of the cohort (YYYY-MM-DD, Monday for weeks), or "average" for the weighted average row. */
  cohort: Type.String(),
  users: Type.Integer(),
  /** Cumulative value per customer on day 1..N (rounded to 1e-6). */
  ltv: Values,
  /** Cumulative total value of the cohort on day 1..N. */
  total: Values,
});
export type LtvCohort = Static<typeof LtvCohortSchema>;

export const LtvGroupSchema = Type.Object({
  /** One value per group-by entry (null = not set, "$others" = outside the top N); null without group-by. */
  group: Type.Union([GroupValueSchema, Type.Null()]),
  cohorts: Type.Array(LtvCohortSchema),
  /** Weighted average over the cohorts whose day k has begun: sum of totals / sum of their users. */
  average: LtvCohortSchema,
});
export type LtvGroup = Static<typeof LtvGroupSchema>;

export const LtvResultSchema = Type.Object({
  days: Type.Integer(),
  cohortPeriod: Type.String(),
  groups: Type.Array(LtvGroupSchema),
  meta: ResultMetaSchema,
});
export type LtvResult = Static<typeof LtvResultSchema>;

export const LtvPersonsQuerySchema = Type.Object(
  {
    ...LtvQuerySchema.properties,
    cohort: Type.String({
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      description: 'A cohort from the result (its day, or the Monday of its week)',
    }),
    ...listedGroupProperty,
    ...personPageProperties,
  },
  { additionalProperties: false },
);
export type LtvPersonsQuery = Static<typeof LtvPersonsQuerySchema>;
