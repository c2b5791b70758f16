// One card of a board: runs its saved analysis with the viewer's app and org scope and the
// board's date range (so a union board shows each bank its own numbers), and draws it with the
// model's own view. "Online now" cards show the live count instead.
import { useQuery } from '@tanstack/react-query';
import { analysisQuery, onlineNowQuery } from '../../api/queries.ts';
import type { SavedAnalysis } from '../../api/types.ts';
import { Link } from '../../app/Link.tsx';
import { useScope } from '../../app/scope.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { userTimeZone } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { urlFor } from '../analysis/url-query.ts';
import { CARD_VIEWS } from './card-views.ts';

export interface CardEdit {
  readonly width: number;
  setWidth(width: number): void;
  move(delta: -1 | 1): void;
  remove(): void;
}

export function DashboardCard({
  analysis,
  range,
  refreshMs,
  edit,
}: {
  analysis: SavedAnalysis;
  range: { from: string; to: string };
  refreshMs: number | false;
  /** Layout controls, for staff of the owning node only. */
  edit?: CardEdit;
}) {
  const { t } = useI18n();
  const scope = useScope();
  const { orgCode: _authorsScope, ...saved } = analysis.query;
  const body = {
    ...saved,
    appId: scope.appId,
    ...range,
    timeZone: userTimeZone(),
    ...(scope.narrowTo ? { orgCode: scope.narrowTo } : {}),
  };
  return (
    <article
      className="card"
      aria-labelledby={`card-${analysis.id}`}
      data-testid="dashboard-card"
      data-model={analysis.model}
    >
      <header className="card-head">
        <h2 id={`card-${analysis.id}`}>{analysis.name}</h2>
        {analysis.model !== 'online-now' && (
          <Link href={urlFor(analysis.model, body)} className="small">
            {t('board.openAnalysis')}
          </Link>
        )}
        {edit && (
          <span className="card-edit">
            <button
              type="button"
              className="small"
              aria-label={`${t('board.moveEarlier')}: ${analysis.name}`}
              onClick={() => edit.move(-1)}
            >
              ←
            </button>
            <button
              type="button"
              className="small"
              aria-label={`${t('board.moveLater')}: ${analysis.name}`}
              onClick={() => edit.move(1)}
            >
              →
            </button>
            <label className="small">
              {t('board.width')}{' '}
              <select value={edit.width} onChange={(e) => edit.setWidth(Number(e.target.value))}>
                {[1, 2, 3, 4].map((w) => (
                  <option key={w} value={w}>
                    {w}/4
                  </option>
                ))}
              </select>
            </label>
            <button type="button" className="small" onClick={edit.remove}>
              {t('board.removeCard')}
            </button>
          </span>
        )}
      </header>
      {analysis.model === 'online-now' ? (
        <OnlineCard refreshMs={refreshMs} />
      ) : (
        <AnalysisCard model={analysis.model} body={body} refreshMs={refreshMs} />
      )}
    </article>
  );
}

function OnlineCard({ refreshMs }: { refreshMs: number | false }) {
  const i18n = useI18n();
  const scope = useScope();
  const options = onlineNowQuery(
    scope.appId,
    scope.narrowTo,
    5,
    refreshMs === false ? 30_000 : Math.min(refreshMs, 30_000),
  );
  const q = useQuery(options);
  return (
    <QueryState query={q} queryKey={options.queryKey}>
      {(d) => (
        <p className="big-number" data-testid="online-total" data-value={d.total}>
          {i18n.compact(d.total)}
          <span className="small"> {i18n.t('online.window', { n: d.minutes })}</span>
        </p>
      )}
    </QueryState>
  );
}

function AnalysisCard({
  model,
  body,
  refreshMs,
}: {
  model: string;
  body: Record<string, unknown>;
  refreshMs: number | false;
}) {
  const viewQuery = useQuery({
    queryKey: ['card-view', model],
    queryFn: () => (CARD_VIEWS[model] ?? CARD_VIEWS.distribution!)(),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const options = { ...analysisQuery(model, body), refetchInterval: refreshMs };
  const result = useQuery(options);
  const view = viewQuery.data;
  if (!view) return null;
  return (
    <QueryState query={result} queryKey={options.queryKey} isEmpty={(d) => view.isEmpty?.(d) ?? false}>
      {(data) => <view.Result query={body} result={data} compact />}
    </QueryState>
  );
}
