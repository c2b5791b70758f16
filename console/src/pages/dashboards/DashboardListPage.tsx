// The boards the user may see: their own node's and every ancestor's (the union's overview
// first), with the owner shown; staff with dashboard.manage can start a new board here.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { dashboardsQuery } from '../../api/queries.ts';
import type { Dashboard, DashboardInput } from '../../api/types.ts';
import { Link } from '../../app/Link.tsx';
import { navigate } from '../../app/router.ts';
import { useScope } from '../../app/scope.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export default function DashboardListPage() {
  const { t, instant } = useI18n();
  const scope = useScope();
  const client = useQueryClient();
  const boards = useQuery(dashboardsQuery);
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => {
      const input: DashboardInput = {
        name: name.trim(),
        cards: [],
        timeRange: { preset: 'last_30_days' },
        refreshSeconds: 0,
      };
      return api<Dashboard>('/v1/dashboards', { method: 'POST', body: input });
    },
    onSuccess: (board) => {
      void client.invalidateQueries({ queryKey: ['dashboards'] });
      navigate(`/dashboards/${board.id}`);
    },
  });
  return (
    <section aria-labelledby="boards-title">
      <h1 id="boards-title">{t('board.list')}</h1>
      <QueryState query={boards} queryKey={dashboardsQuery.queryKey}>
        {(list) =>
          list.length === 0 ? (
            <p className="state empty">{t('board.none')}</p>
          ) : (
            <ul className="board-list" data-testid="board-list">
              {list.map((b) => (
                <li key={b.id}>
                  <Link href={`/dashboards/${b.id}`}>{b.name}</Link>
                  <span className="small">
                    {' '}
                    · {t('board.owner')}: {b.orgName} · {b.cards.length} · {instant(b.updatedAt)}
                    {!b.editable && ` · ${t('board.readOnly')}`}
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
      {scope.can('dashboard.manage') && (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim()) create.mutate();
          }}
        >
          <span className="field">
            <label>
              {t('q.newBoard')}
              <input value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
            </label>
          </span>
          <button type="submit" disabled={create.isPending}>
            {t('q.newBoard')}
          </button>
        </form>
      )}
    </section>
  );
}
