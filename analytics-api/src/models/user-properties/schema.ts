// User property analysis (属性分析): query and result shapes. Over the customers (current profiles,
// as of now) matching user-property filters and "did / did not do event X in the range": how
// many, split by one user property (a distribution) or two (a cross table), with sum / average /
// median of a numeric user property per cell. See ../README.md.
import { type Static, Type } from '@sinclair/typebox';
import { personPageProperties } from '../common/person-list.ts';
import {
  commonQueryProperties,
  EventSelectorSchema,
  GroupValueSchema,
  ResultMetaSchema,
} from '../common/query-schema.ts';

export const BehaviourSchema = Type.Object(
  {
    event: {
      ...EventSelectorSchema,
      description: 'An event (with filters) in the query range; "$any" allowed',
    },
    did: Type.Optional(
      Type.Boolean({
        default: true,
        description: 'true: did it (at least minTimes); false: did not (fewer than minTimes)',
      }),
    ),
    minTimes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  },
  { additionalProperties: false },
);
export type Behaviour = Static<typeof BehaviourSchema>;

export const UserPropertiesQuerySchema = Type.Object(
  {
    ...commonQueryProperties,
    behaviours: Type.Optional(
      Type.Array(BehaviourSchema, { maxItems: 5, description: 'AND of event conditions over from..to' }),
    ),
    measure: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        description:
          'A numeric user property: sum, average, median, min, max per cell (customers without it are left out of these)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type UserPropertiesQuery = Static<typeof UserPropertiesQuerySchema>;

const NUM_OR_NULL = Type.Union([Type.Number(), Type.Null()]);

export const UserCellStatsSchema = Type.Object({
  users: Type.Integer(),
  /** users / all matching customers. */
  share: NUM_OR_NULL,
  /** Customers with the measure property set, and its sum / average / lower median / min / max. */
  withValue: Type.Integer(),
  sum: NUM_OR_NULL,
  average: NUM_OR_NULL,
  median: NUM_OR_NULL,
  min: NUM_OR_NULL,
  max: NUM_OR_NULL,
});
export type UserCellStats = Static<typeof UserCellStatsSchema>;

export const UserCellSchema = Type.Object({
  /** One value per group-by property; null = not set, "$others" = outside the top N of that property. */
  group: GroupValueSchema,
  ...UserCellStatsSchema.properties,
});
export type UserCell = Static<typeof UserCellSchema>;

export const UserPropertiesResultSchema = Type.Object({
  total: UserCellStatsSchema,
  /** Per group-by property, its values in order: top N by customers (ties by value), then "$others". */
  dimensions: Type.Array(
    Type.Object({ property: Type.String(), values: Type.Array(Type.Union([Type.String(), Type.Null()])) }),
  ),
  /** One per combination of dimension values that has customers, in dimension order. */
  cells: Type.Array(UserCellSchema),
  /** Two properties: the row and column totals of the cross table (group holds one value). */
  margins: Type.Array(Type.Array(UserCellSchema)),
  meta: ResultMetaSchema,
});
export type UserPropertiesResult = Static<typeof UserPropertiesResultSchema>;

/** Stands for every value of a dimension in a listed cell (a margin of the cross table, or the total). */
export const ALL_VALUES = '$all';

export const UserPropertiesPersonsQuerySchema = Type.Object(
  {
    ...UserPropertiesQuerySchema.properties,
    cell: Type.Optional(
      Type.Array(Type.Union([Type.Null(), Type.String()]), {
        maxItems: 2,
        description:
          'One value per groupBy property, as in the result (null = not set, "$others"), or "$all" for ' +
          'any value (a margin); absent: every matching customer (the total)',
      }),
    ),
    ...personPageProperties,
  },
  { additionalProperties: false },
);
export type UserPropertiesPersonsQuery = Static<typeof UserPropertiesPersonsQuerySchema>;
