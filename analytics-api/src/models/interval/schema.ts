// Interval (间隔分析): query and result shapes. For every start event in the range, the time to the
// same customer's next end event (optionally with an equal linking property, at most a maximum
// interval later): box-plot figures per period and a histogram; see ../README.md for the rules.
import { type Static, Type } from '@sinclair/typebox';
import {
  commonQueryProperties,
  EventSelectorSchema,
  GroupValueSchema,
  ResultMetaSchema,
} from '../common/query-schema.ts';

/**
 * The most start events and the most end events of one customer (and link value) the engine pairs
 * (see sql.ts); past it, which ones are kept is unspecified (the first ones read). Every start
 * still counts in `starts`; the ones not kept have no interval.
 */
export const MAX_EVENTS_PER_PERSON = 10_000;
/** Default histogram lower bounds (seconds): 0, 1 min, 5 min, 10 min, 30 min, 1 h, 3 h, 6 h, 12 h, 1-3 days, 1 week, 2 weeks, 30 days. */
export const DEFAULT_HISTOGRAM_SECONDS = [
  0, 60, 300, 600, 1800, 3600, 10_800, 21_600, 43_200, 86_400, 172_800, 259_200, 604_800, 1_209_600,
  2_592_000,
];

export const IntervalQuerySchema = Type.Object(
  {
    ...commonQueryProperties,
    start: { ...EventSelectorSchema, description: 'The start event (with filters); "$any" allowed' },
    end: {
      ...EventSelectorSchema,
      description: 'The end event (with filters); may equal start ("one loan application to the next")',
    },
    linkProperty: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        description: 'Event property that must be set and equal on the start and the end event',
      }),
    ),
    maxIntervalMinutes: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 60 * 24 * 366,
        description:
          'Intervals longer than this are dropped; end events up to this long after the range count. ' +
          'Without it only end events inside the range count',
      }),
    ),
    histogramSeconds: Type.Optional(
      Type.Array(Type.Number({ minimum: 0 }), {
        minItems: 1,
        maxItems: 50,
        description: 'Ascending histogram boundaries in seconds (default 0, 1 min, 5 min ... 30 days)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type IntervalQuery = Static<typeof IntervalQuerySchema>;

const NUM_OR_NULL = Type.Union([Type.Number(), Type.Null()]);

export const IntervalStatsSchema = Type.Object({
  /** Start events (in the period / group). */
  starts: Type.Integer(),
  /** Start events with an interval (their next end event came within the maximum). */
  count: Type.Integer(),
  /** Seconds; null without intervals. Quartiles: the value at position floor(p * count) of the sorted intervals, the median the lower median. */
  min: NUM_OR_NULL,
  p25: NUM_OR_NULL,
  median: NUM_OR_NULL,
  p75: NUM_OR_NULL,
  max: NUM_OR_NULL,
  mean: NUM_OR_NULL,
});
export type IntervalStats = Static<typeof IntervalStatsSchema>;

export const IntervalBinSchema = Type.Object({
  label: Type.String(),
  /** Seconds: lower <= interval < upper; null = unbounded. */
  lower: NUM_OR_NULL,
  upper: NUM_OR_NULL,
  count: Type.Integer(),
});
export type IntervalBin = Static<typeof IntervalBinSchema>;

export const IntervalSeriesSchema = Type.Object({
  group: Type.Union([GroupValueSchema, Type.Null()]),
  total: IntervalStatsSchema,
  /** One per period of `periods`, by the start event's time. */
  byPeriod: Type.Array(IntervalStatsSchema),
  histogram: Type.Array(IntervalBinSchema),
});
export type IntervalSeries = Static<typeof IntervalSeriesSchema>;

export const IntervalResultSchema = Type.Object({
  periods: Type.Array(Type.String()),
  overall: IntervalSeriesSchema,
  /** With group-by (the start event's value): top N groups by intervals, then "$others". */
  groups: Type.Array(IntervalSeriesSchema),
  meta: ResultMetaSchema,
});
export type IntervalResult = Static<typeof IntervalResultSchema>;
