// Distribution (分布分析): query and result shapes. How customers spread over a per-customer
// measure of one event in the range (times done, distinct active days or hours, sum of a numeric
// property), cut into automatic, equal-width or custom buckets; see ../README.md for the rules.
import { type Static, Type } from '@sinclair/typebox';
import { listedGroupProperty, personPageProperties } from '../common/person-list.ts';
import {
  commonQueryProperties,
  EventSelectorSchema,
  GroupValueSchema,
  ResultMetaSchema,
} from '../common/query-schema.ts';

export const MEASURES = ['times', 'active_days', 'active_hours', 'sum'] as const;
export type Measure = (typeof MEASURES)[number];

export const DistributionQuerySchema = Type.Object(
  {
    ...commonQueryProperties,
    event: {
      ...EventSelectorSchema,
      description: 'The event (with its own filters) measured per customer; "$any" allowed',
    },
    measure: Type.Union(
      MEASURES.map((m) => Type.Literal(m)),
      {
        description:
          'times: events per customer; active_days / active_hours: distinct calendar days / clock hours ' +
          '(in timeZone) with the event; sum: sum of `property` per customer',
      },
    ),
    property: Type.Optional(
      Type.String({ minLength: 1, maxLength: 128, description: 'Numeric event property (measure "sum")' }),
    ),
    bucketMode: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Literal('equal_width'), Type.Literal('custom')], {
        default: 'auto',
        description:
          'auto: 1,2,3,4,5,6,8,10,15,20,30,50,100,... for counts, 10 "nice" steps for sums; ' +
          'equal_width: bucketCount equal ranges from the smallest to the largest value; custom: boundaries',
      }),
    ),
    bucketCount: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
    boundaries: Type.Optional(
      Type.Array(Type.Number(), {
        minItems: 1,
        maxItems: 50,
        description: 'custom: strictly ascending; buckets <b0, [b0,b1), ..., >=bk',
      }),
    ),
  },
  { additionalProperties: false },
);
export type DistributionQuery = Static<typeof DistributionQuerySchema>;

export const DistributionBucketSchema = Type.Object({
  /** "[a,b)", "<a" or ">=a". */
  label: Type.String(),
  /** A value v is in the bucket when lower <= v < upper; null = unbounded. */
  lower: Type.Union([Type.Number(), Type.Null()]),
  upper: Type.Union([Type.Number(), Type.Null()]),
  users: Type.Integer(),
  /** users / customers measured (of the group); null when there are none. */
  share: Type.Union([Type.Number(), Type.Null()]),
});
export type DistributionBucket = Static<typeof DistributionBucketSchema>;

export const DistributionStatsSchema = Type.Object({
  users: Type.Integer(),
  min: Type.Union([Type.Number(), Type.Null()]),
  max: Type.Union([Type.Number(), Type.Null()]),
  average: Type.Union([Type.Number(), Type.Null()]),
  /** Lower median. */
  median: Type.Union([Type.Number(), Type.Null()]),
});
export type DistributionStats = Static<typeof DistributionStatsSchema>;

export const DistributionGroupSchema = Type.Object({
  group: GroupValueSchema,
  stats: DistributionStatsSchema,
  buckets: Type.Array(DistributionBucketSchema),
});
export type DistributionGroup = Static<typeof DistributionGroupSchema>;

export const DistributionResultSchema = Type.Object({
  measure: Type.String(),
  /** Customers with the event in the range, over all groups. */
  stats: DistributionStatsSchema,
  buckets: Type.Array(DistributionBucketSchema),
  /** With group-by: top N groups by customers (the group of a customer's first event), then "$others". */
  groups: Type.Array(DistributionGroupSchema),
  meta: ResultMetaSchema,
});
export type DistributionResult = Static<typeof DistributionResultSchema>;

export const DistributionPersonsQuerySchema = Type.Object(
  {
    ...DistributionQuerySchema.properties,
    // Null first: the API coerces types, and a number-first union would read null as 0.
    lower: Type.Optional(
      Type.Union([Type.Null(), Type.Number()], {
        description: "A bucket's lower bound from the result (inclusive); null or absent: unbounded",
      }),
    ),
    upper: Type.Optional(
      Type.Union([Type.Null(), Type.Number()], {
        description: "A bucket's upper bound from the result (exclusive); null or absent: unbounded",
      }),
    ),
    ...listedGroupProperty,
    ...personPageProperties,
  },
  { additionalProperties: false },
);
export type DistributionPersonsQuery = Static<typeof DistributionPersonsQuerySchema>;
