// Funnel (漏斗分析): query and result shapes. See ../README.md for the exact counting rules.
import { type Static, Type } from '@sinclair/typebox';
import { listedGroupProperty, personPageProperties } from '../common/person-list.ts';
import {
  commonQueryProperties,
  EventSelectorSchema,
  FilterSchema,
  GroupValueSchema,
  ResultMetaSchema,
} from '../common/query-schema.ts';

export const MAX_WINDOW_MINUTES = 30 * 24 * 60;
/** Per person, at most this many matching events (time order) are walked; see README. */
export const MAX_EVENTS_PER_PERSON = 1000;

export const FunnelQuerySchema = Type.Object(
  {
    ...commonQueryProperties,
    steps: Type.Array(
      Type.Object(
        {
          event: Type.String({ minLength: 1, maxLength: 128 }),
          filters: Type.Optional(Type.Array(FilterSchema, { maxItems: 20 })),
          label: Type.Optional(Type.String({ maxLength: 100 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 2, maxItems: 10 },
    ),
    windowMinutes: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_WINDOW_MINUTES,
        default: 1440,
        description: 'Conversion window from step 1',
      }),
    ),
    order: Type.Optional(
      Type.Union([Type.Literal('loose'), Type.Literal('strict')], {
        default: 'loose',
        description: 'strict: no other step event may occur between two consecutive steps',
      }),
    ),
    linkProperty: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        description: 'Event property that must be equal (and set) on every step',
      }),
    ),
    exclusions: Type.Optional(
      Type.Array(
        Type.Object(
          {
            ...EventSelectorSchema.properties,
            fromStep: Type.Integer({
              minimum: 1,
              maximum: 9,
              description: '1-based step after which X excludes',
            }),
            toStep: Type.Integer({
              minimum: 2,
              maximum: 10,
              description: '1-based step before which X excludes',
            }),
          },
          { additionalProperties: false },
        ),
        { maxItems: 5 },
      ),
    ),
  },
  { additionalProperties: false },
);
export type FunnelQuery = Static<typeof FunnelQuerySchema>;

export const FunnelStepResultSchema = Type.Object({
  step: Type.Integer({ description: '1-based' }),
  event: Type.String(),
  label: Type.String(),
  users: Type.Integer(),
  /** users / users of the previous step (1 for step 1); null when the previous step has none. */
  conversionFromPrevious: Type.Union([Type.Number(), Type.Null()]),
  conversionFromFirst: Type.Union([Type.Number(), Type.Null()]),
  /** Users who reached the previous step but not this one (0 for step 1). */
  dropOff: Type.Integer(),
  medianSecondsFromPrevious: Type.Union([Type.Number(), Type.Null()]),
  avgSecondsFromPrevious: Type.Union([Type.Number(), Type.Null()]),
});
export type FunnelStepResult = Static<typeof FunnelStepResultSchema>;

export const FunnelResultSchema = Type.Object({
  steps: Type.Array(FunnelStepResultSchema),
  groups: Type.Array(Type.Object({ group: GroupValueSchema, steps: Type.Array(FunnelStepResultSchema) })),
  /** By the period users entered (their counted attempt's step 1). */
  trend: Type.Array(
    Type.Object({
      period: Type.String(),
      entered: Type.Integer(),
      converted: Type.Integer(),
      conversion: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
  meta: ResultMetaSchema,
});
export type FunnelResult = Static<typeof FunnelResultSchema>;

export const FunnelPersonsQuerySchema = Type.Object(
  {
    ...FunnelQuerySchema.properties,
    step: Type.Integer({ minimum: 1, maximum: 10, description: '1-based step' }),
    status: Type.Union([Type.Literal('reached'), Type.Literal('dropped')], {
      description: 'reached: got to this step; dropped: got to the previous step but not this one',
    }),
    ...listedGroupProperty,
    ...personPageProperties,
  },
  { additionalProperties: false },
);
export type FunnelPersonsQuery = Static<typeof FunnelPersonsQuerySchema>;
