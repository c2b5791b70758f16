// Attribution (归因分析): query and result shapes. Every target conversion in the range looks back
// over the customer's touchpoint events in its lookback window (optionally only those followed by
// a key event, and linked to the conversion by a property) and hands out one conversion of credit
// among them under each attribution model; with group-by, per group of the conversion as well.
import { type Static, Type } from '@sinclair/typebox';
import {
  commonQueryProperties,
  EventSelectorSchema,
  FilterSchema,
  GroupValueSchema,
  ResultMetaSchema,
} from '../common/query-schema.ts';

export const ATTRIBUTION_MODELS = [
  'first_touch',
  'last_touch',
  'linear',
  'position_based',
  'time_decay',
] as const;
export type AttributionModelName = (typeof ATTRIBUTION_MODELS)[number];

export const TouchpointSchema = Type.Object(
  {
    event: Type.String({ minLength: 1, maxLength: 128 }),
    filters: Type.Optional(Type.Array(FilterSchema, { maxItems: 20 })),
    splitBy: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        description: 'Event property splitting this touchpoint (banner id)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type Touchpoint = Static<typeof TouchpointSchema>;

export const AttributionQuerySchema = Type.Object(
  {
    ...commonQueryProperties,
    targetEvent: { ...EventSelectorSchema, description: 'The conversion, e.g. loan application submitted' },
    touchpoints: Type.Array(TouchpointSchema, {
      minItems: 1,
      maxItems: 20,
      description: 'Events to credit; an event matching several touchpoints counts for the first',
    }),
    lookbackDays: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 30,
        default: 7,
        description: 'Touchpoints up to this many days before',
      }),
    ),
    keyEvent: Type.Optional({
      ...EventSelectorSchema,
      description:
        'Preceding key event: a touchpoint counts only if this event follows it before the conversion',
    }),
    linkProperty: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        description:
          'Event property that must be equal (and set) on the conversion and on the key event, or on the ' +
          'touchpoint when there is no key event (e.g. product_id)',
      }),
    ),
    models: Type.Optional(
      Type.Array(Type.Union(ATTRIBUTION_MODELS.map((m) => Type.Literal(m))), {
        minItems: 1,
        maxItems: 5,
        description: 'Models to compute side by side (default all)',
      }),
    ),
    halfLifeDays: Type.Optional(
      Type.Number({
        minimum: 0.01,
        maximum: 30,
        default: 7,
        description: 'time_decay: credit halves per half-life',
      }),
    ),
    valueProperty: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        description: 'Numeric property of the conversion (amount)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type AttributionQuery = Static<typeof AttributionQuerySchema>;

const Credit = Type.Object({
  /** Conversions credited to this touchpoint (fractions for shared models; rounded to 1e-6). */
  conversions: Type.Number(),
  /** conversions / all attributed conversions. */
  share: Type.Union([Type.Number(), Type.Null()]),
  /** Credited value (sum of credit x the conversion's valueProperty); 0 without valueProperty. */
  value: Type.Number(),
});

export const TouchpointCreditSchema = Type.Object({
  /** Index into the query's touchpoints. */
  touchpoint: Type.Integer(),
  event: Type.String(),
  /** The splitBy value; null when not split or not set. */
  splitValue: Type.Union([Type.String(), Type.Null()]),
  /** Conversions whose window held this touchpoint at least once. */
  touchedConversions: Type.Integer(),
  credits: Type.Record(Type.String(), Credit),
});
export type TouchpointCredit = Static<typeof TouchpointCreditSchema>;

const Totals = Type.Object({ conversions: Type.Integer(), value: Type.Number() });

/** The blocks of one set of conversions: all of them, or one group's. */
const blocks = {
  /** Every target conversion in the range. */
  total: Totals,
  /** Conversions with at least one touchpoint in their window (credit sums to this per model). */
  attributed: Totals,
  /** Conversions with no touchpoint in their window. */
  unattributed: Totals,
  /** Credits per touchpoint; shares are of these conversions' attributed count. */
  touchpoints: Type.Array(TouchpointCreditSchema),
};

export const AttributionGroupSchema = Type.Object({
  /** One value per group-by entry, from the conversion event or the customer's profile
   *  (null = not set, "$others" = every group outside the top N). */
  group: GroupValueSchema,
  ...blocks,
});
export type AttributionGroup = Static<typeof AttributionGroupSchema>;

export const AttributionResultSchema = Type.Object({
  models: Type.Array(Type.String()),
  ...blocks,
  /** Only with groupBy: top groupLimit groups by conversions (ties by value), then "$others". */
  groups: Type.Optional(Type.Array(AttributionGroupSchema)),
  meta: ResultMetaSchema,
});
export type AttributionResult = Static<typeof AttributionResultSchema>;
