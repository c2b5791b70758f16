// One board: its cards in a 4-column grid, a time range that applies to every card, auto-refresh
// (every card refetches on the interval) and, for the owning node's staff, saving those settings
// and removing cards. Viewers from lower tiers see the same board with their own scope's numbers.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiFailure, api } from '../../api/client.ts';
import { dashboardQuery } from '../../api/queries.ts';
import type { DashboardInput, DashboardWithAnalyses, TimePreset, TimeRange } from '../../api/types.ts';
import { useScope } from '../../app/scope.tsx';
import { Choice } from '../../components/pickers.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { PRESETS, resolveRange } from '../../components/time-range.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { DashboardCard } from './DashboardCard.tsx';

const REFRESH = [0, 30, 60, 300, 900] as const;

export default function DashboardPage({ id }: { id: number }) {
  const options = dashboardQuery(id);
  const board = useQuery(options);
  return (
    <QueryState query={board} queryKey={options.queryKey}>
      {(b) => <Board board={b} />}
    </QueryState>
  );
}

function Board({ board }: { board: DashboardWithAnalyses }) {
  const i18n = useI18n();
  const { t } = i18n;
  const scope = useScope();
  const client = useQueryClient();
  const [range, setRange] = useState<TimeRange>(board.timeRange);
  const [refresh, setRefresh] = useState<number>(board.refreshSeconds);
  const [cards, setCards] = useState(board.cards);
  useEffect(() => {
    setRange(board.timeRange);
    setRefresh(board.refreshSeconds);
    setCards(board.cards);
  }, [board]);
  const editable = board.editable && scope.can('dashboard.manage');
  const save = useMutation({
    mutationFn: () => {
      const input: DashboardInput = {
        name: board.name,
        description: board.description,
        cards,
        timeRange: range,
        refreshSeconds: refresh as DashboardInput['refreshSeconds'],
      };
      return api(`/v1/dashboards/${board.id}`, { method: 'PUT', body: input });
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['dashboards'] }),
  });
  const resolved = resolveRange(range);
  const byId = new Map(board.analyses.map((a) => [a.id, a]));
  const preset: TimePreset | 'custom' = 'preset' in range ? range.preset : 'custom';
  const orgName = board.orgName;
  return (
    <section aria-labelledby="board-title" className="board">
      <h1 id="board-title">{board.name}</h1>
      <p className="small">
        {t('board.owner')}: {orgName}
        {!board.editable && ` · ${t('board.readOnly')}`} · {resolved.from} ~ {resolved.to}
      </p>
      <div className="row toolbar">
        <Choice
          label={t('board.timeRange')}
          value={preset}
          testId="board-range"
          options={[
            ...PRESETS.map((p) => [p, t(`preset.${p}`)] as const),
            ...(preset === 'custom' ? ([['custom', `${resolved.from}~${resolved.to}`]] as const) : []),
          ]}
          onChange={(p) => p !== 'custom' && setRange({ preset: p })}
        />
        <Choice
          label={t('board.refresh')}
          value={String(refresh)}
          options={REFRESH.map(
            (s) => [String(s), s === 0 ? t('board.off') : s < 60 ? `${s}s` : `${s / 60} min`] as const,
          )}
          onChange={(s) => setRefresh(Number(s))}
        />
        <button type="button" onClick={() => client.invalidateQueries({ queryKey: ['analyses'] })}>
          {t('board.refreshNow')}
        </button>
        {editable && (
          <button type="button" onClick={() => save.mutate()} disabled={save.isPending}>
            {t('board.saveSettings')}
          </button>
        )}
        {save.isError && (
          <span role="alert" className="error">
            {save.error instanceof ApiFailure ? save.error.message : String(save.error)}
          </span>
        )}
        {save.isSuccess && <span role="status">{t('q.saved')}</span>}
      </div>
      {cards.length === 0 ? (
        <p className="state empty">{t('board.empty')}</p>
      ) : (
        <div className="grid">
          {cards.map((card, i) => {
            const analysis = byId.get(card.analysisId);
            if (!analysis) return null;
            return (
              <div key={card.analysisId} className={`span-${card.width ?? 2}`}>
                <DashboardCard
                  analysis={analysis}
                  range={resolved}
                  refreshMs={refresh > 0 ? refresh * 1000 : false}
                  edit={
                    editable
                      ? {
                          width: card.width ?? 2,
                          setWidth: (width) => setCards(cards.map((c, j) => (j === i ? { ...c, width } : c))),
                          move: (delta) => {
                            const to = i + delta;
                            if (to < 0 || to >= cards.length) return;
                            const next = [...cards];
                            [next[i], next[to]] = [next[to]!, next[i]!];
                            setCards(next);
                          },
                          remove: () => setCards(cards.filter((_, j) => j !== i)),
                        }
                      : undefined
                  }
                />
              </div>
            );
          })}
        </div>
      )}
    </section>
  );
}
