// "Save analysis" and "add to dashboard": saves the current query under a name (owned by the
// user's org node), then appends it as a card to one of the boards the user may change, or to a
// new board. Dashboard lists are refreshed afterwards.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiFailure, api } from '../../api/client.ts';
import { dashboardQuery, dashboardsQuery } from '../../api/queries.ts';
import type { Dashboard, DashboardInput, SavedAnalysis } from '../../api/types.ts';
import { Link } from '../../app/Link.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Query } from './model-view.ts';

const NEW = 'new';

export function SavePanel({ model, query }: { model: string; query: Query }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const boards = (useQuery(dashboardsQuery).data ?? []).filter((b) => b.editable);
  const [name, setName] = useState('');
  const [target, setTarget] = useState('');
  const [newBoardName, setNewBoardName] = useState('');
  const [done, setDone] = useState<{ analysis: SavedAnalysis; board?: Dashboard } | null>(null);

  const save = useMutation({
    mutationFn: async () => {
      const { orgCode: _scopeOfTheAuthor, ...saved } = query;
      const analysis = await api<SavedAnalysis>('/v1/dashboards/analyses', {
        method: 'POST',
        body: { name: name.trim(), model, query: saved },
      });
      const chosen = target || (boards.length ? String(boards[0]!.id) : NEW);
      let board: Dashboard | undefined;
      if (chosen === NEW) {
        const input: DashboardInput = {
          name: newBoardName.trim() || name.trim(),
          cards: [{ analysisId: analysis.id, width: 2 }],
          timeRange: { preset: 'last_30_days' },
          refreshSeconds: 0,
        };
        board = await api<Dashboard>('/v1/dashboards', { method: 'POST', body: input });
      } else {
        const current = await client.fetchQuery(dashboardQuery(Number(chosen)));
        const input: DashboardInput = {
          name: current.name,
          description: current.description,
          cards: [...current.cards, { analysisId: analysis.id, width: 2 }],
          timeRange: current.timeRange,
          refreshSeconds: current.refreshSeconds,
        };
        board = await api<Dashboard>(`/v1/dashboards/${chosen}`, { method: 'PUT', body: input });
      }
      return { analysis, board };
    },
    onSuccess: (result) => {
      setDone(result);
      void client.invalidateQueries({ queryKey: ['dashboards'] });
    },
  });

  return (
    <section className="save-panel" aria-labelledby="save-title">
      <h2 id="save-title">{t('q.save')}</h2>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) save.mutate();
        }}
      >
        <span className="field">
          <label>
            {t('q.saveName')}
            <input
              value={name}
              required
              maxLength={200}
              onChange={(e) => setName(e.target.value)}
              data-testid="save-name"
            />
          </label>
        </span>
        <span className="field">
          <label>
            {t('q.addToBoard')}
            <select value={target} onChange={(e) => setTarget(e.target.value)} data-testid="save-board">
              {boards.map((b) => (
                <option key={b.id} value={String(b.id)}>
                  {b.name}
                </option>
              ))}
              <option value={NEW}>{t('q.newBoard')}</option>
            </select>
          </label>
        </span>
        {(target === NEW || boards.length === 0) && (
          <span className="field">
            <label>
              {t('q.newBoard')}
              <input
                value={newBoardName}
                maxLength={200}
                onChange={(e) => setNewBoardName(e.target.value)}
                data-testid="save-new-board"
              />
            </label>
          </span>
        )}
        <button type="submit" disabled={save.isPending} data-testid="save">
          {t('q.save')}
        </button>
      </form>
      {save.isError && (
        <p role="alert" className="error">
          {save.error instanceof ApiFailure
            ? `${save.error.code}: ${save.error.message}`
            : String(save.error)}
        </p>
      )}
      {done && (
        <p role="status" data-testid="saved">
          {t('q.saved')}: {done.analysis.name}
          {done.board && (
            <>
              {' → '}
              <Link href={`/dashboards/${done.board.id}`}>{done.board.name}</Link>
            </>
          )}
        </p>
      )}
    </section>
  );
}
