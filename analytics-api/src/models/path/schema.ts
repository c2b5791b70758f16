// Path (用户路径分析): query and result shapes. Each session's sequence of events (cut by inactivity
// or by the SDK's session id) becomes one path of up to `depth` nodes, from the session's start,
// from the first anchor event, or back from the last anchor event; the paths are summed into the
// nodes and weighted links of a Sankey diagram, keeping the top N nodes per level; with group-by,
// also one diagram per group of the path's level-1 event (or the customer's profile).
import { type Static, Type } from '@sinclair/typebox';
import {
  commonQueryProperties,
  EventSelectorSchema,
  GroupValueSchema,
  ResultMetaSchema,
} from '../common/query-schema.ts';

/** Per customer, the most events per day of the range the engine holds (see sql.ts). */
export const MAX_SEQUENCE_EVENTS = 500;
export const END_NODE = '';

const EVENT_NAME = Type.String({ minLength: 1, maxLength: 128 });

export const SplitSchema = Type.Object(
  {
    event: EVENT_NAME,
    property: Type.String({
      minLength: 1,
      maxLength: 128,
      description:
        'Event property whose value splits the event into one node per value (screen name, page url)',
    }),
  },
  { additionalProperties: false },
);

export const PathQuerySchema = Type.Object(
  {
    ...commonQueryProperties,
    sessionMode: Type.Optional(
      Type.Union([Type.Literal('inactivity'), Type.Literal('session_id')], {
        default: 'inactivity',
        description:
          'inactivity: a gap longer than sessionTimeoutMinutes (or midnight in timeZone) starts a new session; ' +
          'session_id: the SDK session id ($session_id) defines sessions, events without one are left out',
      }),
    ),
    sessionTimeoutMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440, default: 30 })),
    anchor: Type.Optional(
      Type.Union([Type.Literal('all'), Type.Literal('start'), Type.Literal('end')], {
        default: 'all',
        description:
          'all: paths from each session start; start: from the first anchorEvent of a session; ' +
          'end: back from the last anchorEvent of a session (level 1 is the anchor, level 2 the step before)',
      }),
    ),
    anchorEvent: Type.Optional({ ...EventSelectorSchema, description: 'Needed for anchor start / end' }),
    depth: Type.Optional(
      Type.Integer({ minimum: 2, maximum: 10, default: 5, description: 'Nodes per path' }),
    ),
    includeEvents: Type.Optional(
      Type.Array(EVENT_NAME, { minItems: 1, maxItems: 50, description: 'Only these events make up paths' }),
    ),
    excludeEvents: Type.Optional(
      Type.Array(EVENT_NAME, { maxItems: 50, description: 'These events are left out' }),
    ),
    collapseRepeats: Type.Optional(
      Type.Boolean({ default: false, description: 'Consecutive repeats of one node count as one step' }),
    ),
    splitBy: Type.Optional(Type.Array(SplitSchema, { maxItems: 10 })),
    nodesPerLevel: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 50,
        default: 10,
        description: 'Top N nodes per level; the rest are "$others"',
      }),
    ),
    listUsers: Type.Optional(
      Type.Object(
        {
          level: Type.Integer({ minimum: 1, maximum: 10 }),
          node: Type.String({
            maxLength: 400,
            description: 'A node key from a previous result ("$others" allowed)',
          }),
          next: Type.Optional(
            Type.String({ maxLength: 400, description: 'With a next node key: the users of that link' }),
          ),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 })),
          group: Type.Optional({
            ...GroupValueSchema,
            maxItems: 2,
            description:
              "With groupBy: the node or link in this group's diagram (a group value from a previous " +
              'result, one entry per groupBy; ["$others"] for the others group); without it, the overall diagram',
          }),
        },
        { additionalProperties: false, description: 'Also list the customers behind one node or link' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type PathQuery = Static<typeof PathQuerySchema>;

export const PathNodeSchema = Type.Object({
  level: Type.Integer(),
  /** Unique within a level: the event name, "event\u001fvalue" for split events, or "$others". */
  key: Type.String(),
  event: Type.String(),
  /** The split property's value; null when the event is not split or the property is not set. */
  value: Type.Union([Type.String(), Type.Null()]),
  /** Paths (sessions) reaching this node at this level. */
  sessions: Type.Integer(),
  users: Type.Integer(),
  /** Sessions whose path ends here (no later event in the session). */
  dropOff: Type.Integer(),
});
export type PathNode = Static<typeof PathNodeSchema>;

export const PathLinkSchema = Type.Object({
  /** Level of the source node; the target is at level + 1. */
  level: Type.Integer(),
  source: Type.String(),
  target: Type.String(),
  sessions: Type.Integer(),
  users: Type.Integer(),
});
export type PathLink = Static<typeof PathLinkSchema>;

/** One Sankey diagram: the overall one, or one group's. */
const diagram = {
  /** Paths in the diagram (one per session that has one) and the customers behind them. */
  sessions: Type.Integer(),
  users: Type.Integer(),
  /** Top nodesPerLevel nodes per level of this diagram, the rest as "$others". */
  nodes: Type.Array(PathNodeSchema),
  links: Type.Array(PathLinkSchema),
};

export const PathGroupSchema = Type.Object({
  /** One value per group-by entry, from the path's level-1 event (the session's first event or the
   *  anchor event) or the customer's profile; null = not set, "$others" = outside the top N. */
  group: GroupValueSchema,
  ...diagram,
});
export type PathGroup = Static<typeof PathGroupSchema>;

export const PathResultSchema = Type.Object({
  depth: Type.Integer(),
  anchor: Type.String(),
  ...diagram,
  /** Only with groupBy: the top groupLimit groups by sessions (ties by value), then "$others";
   *  each with its own diagram (its own top nodes per level). */
  groups: Type.Optional(Type.Array(PathGroupSchema)),
  /** With listUsers: person ids behind the node or link, ascending, up to the limit. */
  personIds: Type.Optional(Type.Array(Type.String())),
  meta: ResultMetaSchema,
});
export type PathResult = Static<typeof PathResultSchema>;
