// Route table: one lazily loaded chunk per page (React.lazy), so the first screen downloads only
// the shell and the page it shows.
import { type ComponentType, lazy, Suspense } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { matchPath, navigate, useLocation } from './router.ts';

const DashboardListPage = lazy(() => import('../pages/dashboards/DashboardListPage.tsx'));
const DashboardPage = lazy(() => import('../pages/dashboards/DashboardPage.tsx'));
// One chunk per analysis model.
const MODEL_PAGES: Record<string, ComponentType> = {
  events: lazy(() => import('../pages/analysis/models/events.tsx')),
  funnel: lazy(() => import('../pages/analysis/models/funnel.tsx')),
  retention: lazy(() => import('../pages/analysis/models/retention.tsx')),
  path: lazy(() => import('../pages/analysis/models/path.tsx')),
  ltv: lazy(() => import('../pages/analysis/models/ltv.tsx')),
  attribution: lazy(() => import('../pages/analysis/models/attribution.tsx')),
  distribution: lazy(() => import('../pages/analysis/models/distribution.tsx')),
  interval: lazy(() => import('../pages/analysis/models/interval.tsx')),
  session: lazy(() => import('../pages/analysis/models/session.tsx')),
  'user-properties': lazy(() => import('../pages/analysis/models/user-properties.tsx')),
};
const MetadataPage = lazy(() => import('../pages/metadata/MetadataPage.tsx'));
const OnlineNowPage = lazy(() => import('../pages/online/OnlineNowPage.tsx'));

export function Routes() {
  const { t } = useI18n();
  const { path } = useLocation();
  const board = matchPath('/dashboards/:id', path);
  const ModelPage = MODEL_PAGES[matchPath('/analysis/:model', path)?.model ?? ''];
  let page = null;
  if (board) page = <DashboardPage id={Number(board.id)} />;
  else if (matchPath('/dashboards', path)) page = <DashboardListPage />;
  else if (ModelPage) page = <ModelPage key={path} />;
  else if (matchPath('/metadata', path)) page = <MetadataPage />;
  else if (matchPath('/online', path)) page = <OnlineNowPage />;
  else {
    queueMicrotask(() => navigate('/dashboards', { replace: true }));
    return null;
  }
  return <Suspense fallback={<p className="state">{t('state.loading')}</p>}>{page}</Suspense>;
}
