// Saved analyses and dashboards: request and response shapes (TypeBox), shared by the routes,
// /openapi.json and the console (which imports the types). Shapes and limits only; who may see
// or change what is decided in dashboard-store.ts by the caller's org path.
import { type Static, Type } from '@sinclair/typebox';

/** The analysis models a saved analysis may name, plus the live "online now" panel. */
export const SAVABLE_MODELS = [
  'events',
  'funnel',
  'retention',
  'distribution',
  'interval',
  'path',
  'attribution',
  'ltv',
  'session',
  'user-properties',
  'online-now',
] as const;
export type SavableModel = (typeof SAVABLE_MODELS)[number];

/** A saved query is at most this big once serialised (a funnel of ten filtered steps is ~5 KB). */
export const MAX_QUERY_BYTES = 32 * 1024;

const Id = Type.Integer({ minimum: 1 });
export const IdParam = Type.Object({ id: Id }, { additionalProperties: false });
const Name = Type.String({ minLength: 1, maxLength: 200 });

export const SavedAnalysisInput = Type.Object(
  {
    name: Name,
    model: Type.Union(SAVABLE_MODELS.map((m) => Type.Literal(m))),
    query: Type.Record(Type.String(), Type.Unknown(), {
      description: "The model's query body (as POSTed to /v1/analysis/<model>); appId is required",
    }),
  },
  { additionalProperties: false },
);
export type SavedAnalysisInput = Static<typeof SavedAnalysisInput>;

export const SavedAnalysis = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  model: Type.String(),
  appId: Type.String(),
  query: Type.Record(Type.String(), Type.Unknown()),
  orgCode: Type.String(),
  createdBy: Type.String(),
  updatedAt: Type.String(),
  /** True when the caller may change or delete it (it belongs to the caller's own org node). */
  editable: Type.Boolean(),
});
export type SavedAnalysis = Static<typeof SavedAnalysis>;

export const TIME_PRESETS = [
  'today',
  'yesterday',
  'last_7_days',
  'last_30_days',
  'last_90_days',
  'this_month',
  'last_month',
] as const;
export type TimePreset = (typeof TIME_PRESETS)[number];

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
export const TimeRange = Type.Union([
  Type.Object(
    {
      preset: Type.Union([
        Type.Literal('today'),
        Type.Literal('yesterday'),
        Type.Literal('last_7_days'),
        Type.Literal('last_30_days'),
        Type.Literal('last_90_days'),
        Type.Literal('this_month'),
        Type.Literal('last_month'),
      ]),
    },
    { additionalProperties: false },
  ),
  Type.Object({ from: Day, to: Day }, { additionalProperties: false }),
]);
export type TimeRange = Static<typeof TimeRange>;

export const Card = Type.Object(
  {
    analysisId: Id,
    /** Columns of a 4-column grid. */
    width: Type.Optional(Type.Integer({ minimum: 1, maximum: 4, default: 2 })),
  },
  { additionalProperties: false },
);
export type Card = Static<typeof Card>;

export const DashboardInput = Type.Object(
  {
    name: Name,
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    cards: Type.Array(Card, { maxItems: 40 }),
    timeRange: TimeRange,
    /** 0 = no auto-refresh; otherwise at least every 30 s (each refresh runs every card). */
    refreshSeconds: Type.Optional(
      Type.Union([Type.Literal(0), Type.Integer({ minimum: 30, maximum: 86_400 })], { default: 0 }),
    ),
  },
  { additionalProperties: false },
);
export type DashboardInput = Static<typeof DashboardInput>;

export const Dashboard = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  description: Type.String(),
  cards: Type.Array(Card),
  timeRange: TimeRange,
  refreshSeconds: Type.Integer(),
  orgCode: Type.String(),
  orgName: Type.String(),
  /** 'mobile-banking-overview' for the board the API ships; null for boards staff made. */
  systemKey: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.String(),
  updatedAt: Type.String(),
  editable: Type.Boolean(),
});
export type Dashboard = Static<typeof Dashboard>;

/** GET /v1/dashboards/:id: the board with the saved analyses its cards show (the visible ones). */
export const DashboardWithAnalyses = Type.Object({
  ...Dashboard.properties,
  analyses: Type.Array(SavedAnalysis),
});
export type DashboardWithAnalyses = Static<typeof DashboardWithAnalyses>;
