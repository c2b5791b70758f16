// "Show the customers" behind one number of a result, picked from a list (a retention cell, a
// distribution bucket, a user-property cell): the model's /persons route is sent the page's own
// query plus the picked selection, so the list follows exactly the counting rules of the number.
// Shown only to staff with analysis.export (the API refuses the others anyway).
import { useId, useState } from 'react';
import { api } from '../../api/client.ts';
import type { PersonListResult } from '../../api/types.ts';
import { useScope } from '../../app/scope.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Query } from './model-view.ts';
import { PersonsTable } from './PersonsTable.tsx';

export interface PersonsChoice {
  readonly label: string;
  /** Fields added to the query for this number (e.g. cohort, bounds, group). */
  readonly selection: Readonly<Record<string, unknown>>;
  /** A second choice within this one (e.g. the period of a cohort); its selection is added too. */
  readonly options?: readonly PersonsChoice[];
}

export function ChoicePersons({
  path,
  query,
  choices,
  heading,
  choiceLabel,
  optionLabel,
  testId,
}: {
  /** The model's list route, e.g. '/v1/analysis/retention/persons'. */
  path: string;
  query: Query;
  choices: readonly PersonsChoice[];
  heading: string;
  choiceLabel: string;
  optionLabel?: string;
  testId: string;
}) {
  const { lang } = useI18n();
  const en = lang === 'en';
  const scope = useScope();
  const choiceId = useId();
  const optionId = useId();
  const [choice, setChoice] = useState(0);
  const [option, setOption] = useState(0);
  const [shown, setShown] = useState<{ label: string; selection: Record<string, unknown> } | null>(null);
  if (!scope.can('analysis.export') || choices.length === 0) return null;
  const picked = choices[Math.min(choice, choices.length - 1)]!;
  const options = picked.options ?? [];
  const sub = options[Math.min(option, options.length - 1)];
  const show = () =>
    setShown({
      label: sub ? `${picked.label} · ${sub.label}` : picked.label,
      selection: { ...picked.selection, ...sub?.selection },
    });
  return (
    <section className="persons-picker" data-testid={testId}>
      <h2>{heading}</h2>
      <div className="row">
        <span className="field">
          <label htmlFor={choiceId}>{choiceLabel}</label>
          <select
            id={choiceId}
            value={choice}
            onChange={(e) => {
              setChoice(Number(e.target.value));
              setOption(0);
            }}
          >
            {choices.map((c, i) => (
              <option key={c.label} value={i}>
                {c.label}
              </option>
            ))}
          </select>
        </span>
        {options.length > 0 && (
          <span className="field">
            <label htmlFor={optionId}>{optionLabel}</label>
            <select id={optionId} value={option} onChange={(e) => setOption(Number(e.target.value))}>
              {options.map((o, i) => (
                <option key={o.label} value={i}>
                  {o.label}
                </option>
              ))}
            </select>
          </span>
        )}
        <button type="button" onClick={show}>
          {en ? 'Show the customers' : '查看用户'}
        </button>
      </div>
      {shown && (
        <PersonsTable
          key={JSON.stringify(shown.selection)}
          title={en ? `Customers: ${shown.label}` : `用户：${shown.label}`}
          queryKey={['analyses', String(query.appId ?? ''), path, query, shown.selection]}
          onClose={() => setShown(null)}
          fetchPage={(offset, limit, signal) =>
            api<PersonListResult>(path, {
              method: 'POST',
              body: { ...query, ...shown.selection, offset, limit },
              signal,
            })
          }
        />
      )}
    </section>
  );
}

/**
 * Choices for a chart of series over periods (event metrics, sessions): each series, and in it the
 * whole range or one period with a non-zero value; selections `period` (absent for the range).
 */
export function seriesPointChoices(
  series: ReadonlyArray<{
    label: string;
    selection: Readonly<Record<string, unknown>>;
    total: number | null;
    values: ReadonlyArray<number | null>;
  }>,
  periods: readonly string[],
  i18n: { lang: string; exact: (n: number | null) => string },
): PersonsChoice[] {
  const en = i18n.lang === 'en';
  return series.map((s) => ({
    label: s.label,
    selection: s.selection,
    options: [
      { label: `${en ? 'Whole range' : '整个时间范围'} (${i18n.exact(s.total)})`, selection: {} },
      ...periods.flatMap((period, k) => {
        const v = s.values[k];
        return v ? [{ label: `${period} (${i18n.exact(v)})`, selection: { period } }] : [];
      }),
    ],
  }));
}
