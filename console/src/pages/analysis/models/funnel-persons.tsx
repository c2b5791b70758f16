// The customers behind the funnel: per step, who reached it and who dropped off before it, listed
// through POST /v1/analysis/funnel/persons with the same query (so the same counting rules).
// Shown only to staff with analysis.export; others never see the buttons.
import { useState } from 'react';
import { api } from '../../../api/client.ts';
import type { FunnelPersonsQuery, FunnelResult, PersonListResult } from '../../../api/types.ts';
import { useScope } from '../../../app/scope.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import type { Query } from '../model-view.ts';
import { PersonsTable } from '../PersonsTable.tsx';

type Pick = { step: number; status: 'reached' | 'dropped' };

export function FunnelPersons({ query, result }: { query: Query; result: FunnelResult }) {
  const { lang, exact } = useI18n();
  const en = lang === 'en';
  const scope = useScope();
  const [picked, setPicked] = useState<Pick | null>(null);
  if (!scope.can('analysis.export')) return null;
  const stepName = (s: FunnelResult['steps'][number]) => `${s.step}. ${s.label || s.event}`;
  const title = (p: Pick) => {
    const s = result.steps[p.step - 1]!;
    return p.status === 'reached'
      ? en
        ? `Customers who reached ${stepName(s)}`
        : `到达「${stepName(s)}」的用户`
      : en
        ? `Customers who dropped off before ${stepName(s)}`
        : `在「${stepName(s)}」前流失的用户`;
  };
  return (
    <section className="persons-picker" data-testid="funnel-persons">
      <h2>{en ? 'Show the customers' : '查看用户'}</h2>
      <ul className="inline-list">
        {result.steps.map((s) => (
          <li key={s.step}>
            <button type="button" onClick={() => setPicked({ step: s.step, status: 'reached' })}>
              {en ? `Reached ${stepName(s)} (${exact(s.users)})` : `到达 ${stepName(s)}（${exact(s.users)}）`}
            </button>
            {s.step > 1 && (
              <button type="button" onClick={() => setPicked({ step: s.step, status: 'dropped' })}>
                {en
                  ? `Dropped before ${stepName(s)} (${exact(s.dropOff)})`
                  : `流失于 ${stepName(s)} 前（${exact(s.dropOff)}）`}
              </button>
            )}
          </li>
        ))}
      </ul>
      {picked && (
        <PersonsTable
          key={`${picked.step}-${picked.status}`}
          title={title(picked)}
          queryKey={['analyses', String(query.appId ?? ''), 'funnel/persons', query, picked]}
          onClose={() => setPicked(null)}
          fetchPage={(offset, limit, signal) =>
            api<PersonListResult>('/v1/analysis/funnel/persons', {
              method: 'POST',
              body: { ...(query as FunnelPersonsQuery), ...picked, offset, limit },
              signal,
            })
          }
        />
      )}
    </section>
  );
}
