// Where a dashboard card finds the drawing for its model: the same view the analysis page uses,
// loaded on demand (so a board pulls in only the models it shows).
import type { ModelView } from '../analysis/model-view.ts';

export const CARD_VIEWS: Record<string, () => Promise<ModelView>> = {
  events: () => import('../analysis/models/events.tsx').then((m) => m.eventsView),
  funnel: () => import('../analysis/models/funnel.tsx').then((m) => m.funnelView),
  retention: () => import('../analysis/models/retention.tsx').then((m) => m.retentionView),
  path: () => import('../analysis/models/path.tsx').then((m) => m.pathView),
  ltv: () => import('../analysis/models/ltv.tsx').then((m) => m.ltvView),
  attribution: () => import('../analysis/models/attribution.tsx').then((m) => m.attributionView),
  distribution: () => import('../analysis/models/distribution.tsx').then((m) => m.distributionView),
  interval: () => import('../analysis/models/interval.tsx').then((m) => m.intervalView),
  session: () => import('../analysis/models/session.tsx').then((m) => m.sessionView),
  'user-properties': () => import('../analysis/models/user-properties.tsx').then((m) => m.userPropertiesView),
};
