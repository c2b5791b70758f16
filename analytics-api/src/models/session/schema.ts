// Session (Session 分析): query and result shapes. Sessions are cut per customer by inactivity
// (and at midnight in the query's zone) or by the SDK's session id; figures per period (of the
// session's first event), in total and per group; see ../README.md for the exact rules.
import { type Static, Type } from '@sinclair/typebox';
import { listedGroupProperty, personPageProperties } from '../common/person-list.ts';
import {
  commonQueryProperties,
  EventSelectorSchema,
  GroupValueSchema,
  ResultMetaSchema,
} from '../common/query-schema.ts';

/**
 * The most events of one customer the engine reads over the range, in both session modes (see
 * sql.ts): a robot's millions of events cost no more memory than this. Real customers stay far
 * below it; past it, which events are kept is unspecified (the first ones read).
 */
export const MAX_EVENTS_PER_PERSON = 10_000;

/** Screen views of the SDKs: the React Native app's screens and the web SDK's page views. */
export const DEFAULT_SCREENS = [
  { event: '$AppViewScreen', property: '$screen_name' },
  { event: '$pageview', property: '$url' },
] as const;

const EVENT_NAME = Type.String({ minLength: 1, maxLength: 128 });

export const ScreenEventSchema = Type.Object(
  {
    event: EVENT_NAME,
    property: Type.String({ minLength: 1, maxLength: 128, description: 'The property naming the screen' }),
  },
  { additionalProperties: false },
);

export const SessionQuerySchema = Type.Object(
  {
    ...commonQueryProperties,
    sessionMode: Type.Optional(
      Type.Union([Type.Literal('inactivity'), Type.Literal('session_id')], {
        default: 'inactivity',
        description:
          'inactivity: a gap longer than sessionTimeoutMinutes (or midnight in timeZone) starts a new session; ' +
          'session_id: events sharing the SDK session id ($session_id) form a session, events without one are left out',
      }),
    ),
    sessionTimeoutMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440, default: 30 })),
    includeEvents: Type.Optional(
      Type.Array(EVENT_NAME, {
        minItems: 1,
        maxItems: 50,
        description: 'Only these events (and the screen events) make up sessions; default every event',
      }),
    ),
    screens: Type.Optional(
      Type.Array(ScreenEventSchema, {
        minItems: 1,
        maxItems: 10,
        description:
          'Screen view events and their screen property (default $AppViewScreen/$screen_name, $pageview/$url)',
      }),
    ),
    countEvent: Type.Optional({
      ...EventSelectorSchema,
      description: 'An event (with filters) counted per session, e.g. transfers per session',
    }),
    screenLimit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, default: 10, description: 'Top N entry and exit screens' }),
    ),
  },
  { additionalProperties: false },
);
export type SessionQuery = Static<typeof SessionQuerySchema>;

const NUM_OR_NULL = Type.Union([Type.Number(), Type.Null()]);

export const SessionStatsSchema = Type.Object({
  sessions: Type.Integer(),
  users: Type.Integer(),
  /** Seconds from the first to the last event of a session (0 for one event); null without sessions. */
  avgDurationSeconds: NUM_OR_NULL,
  /** Lower median. */
  medianDurationSeconds: NUM_OR_NULL,
  eventsPerSession: NUM_OR_NULL,
  screensPerSession: NUM_OR_NULL,
  /** Sessions with exactly one screen view (none is not a bounce). */
  bounces: Type.Integer(),
  bounceRate: NUM_OR_NULL,
  /** countEvent: occurrences, sessions with at least one, and occurrences per session (0 / null without it). */
  countEventTotal: Type.Integer(),
  sessionsWithCountEvent: Type.Integer(),
  countEventPerSession: NUM_OR_NULL,
});
export type SessionStats = Static<typeof SessionStatsSchema>;

export const SessionSeriesSchema = Type.Object({
  group: Type.Union([GroupValueSchema, Type.Null()]),
  total: SessionStatsSchema,
  byPeriod: Type.Array(SessionStatsSchema),
});
export type SessionSeries = Static<typeof SessionSeriesSchema>;

export const ScreenCountSchema = Type.Object({
  /** The screen, "$others" for the rest, null for sessions without a named screen view. */
  screen: Type.Union([Type.String(), Type.Null()]),
  sessions: Type.Integer(),
});

export const SessionResultSchema = Type.Object({
  periods: Type.Array(Type.String()),
  overall: SessionSeriesSchema,
  /** With group-by (the value on the session's first event): top N groups by sessions, then "$others". */
  groups: Type.Array(SessionSeriesSchema),
  /** Screen of the first / last screen view of each session that has one. */
  entryScreens: Type.Array(ScreenCountSchema),
  exitScreens: Type.Array(ScreenCountSchema),
  meta: ResultMetaSchema,
});
export type SessionResult = Static<typeof SessionResultSchema>;

export const SessionPersonsQuerySchema = Type.Object(
  {
    ...SessionQuerySchema.properties,
    period: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 32,
        description: "A label of the result's periods (sessions starting in it); absent: the whole range",
      }),
    ),
    ...listedGroupProperty,
    ...personPageProperties,
  },
  { additionalProperties: false },
);
export type SessionPersonsQuery = Static<typeof SessionPersonsQuerySchema>;
