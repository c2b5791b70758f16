// Retention (留存分析): initial and return events, period and N; a cohort heat table where each
// cell prints its rate (the shading only repeats it), the churn view, and the counts table.
// With a comparison period: both periods' average retention curves and its rows in the table.
import { useState } from 'react';
import type { RetentionResult } from '../../../api/types.ts';
import { DataTable } from '../../../components/DataTable.tsx';
import { Choice, EventPicker, NumberField } from '../../../components/pickers.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import { AnalysisFrame } from '../AnalysisFrame.tsx';
import { ChoicePersons, type PersonsChoice } from '../ChoicePersons.tsx';
import { groupLabel } from '../chart-style.ts';
import type { ModelView, Query, ResultProps } from '../model-view.ts';
import { RetentionCurves } from './retention-curves.tsx';

type Selector = { event: string };

function Form({ query, setQuery }: { query: Query; setQuery: (q: Query) => void }) {
  const { t, lang } = useI18n();
  const initial = (query.initial as Selector | undefined) ?? { event: '$AppStart' };
  const returning = (query.returning as Selector | undefined) ?? { event: '$AppStart' };
  return (
    <fieldset className="row">
      <legend>{t('model.retention')}</legend>
      <EventPicker
        label={t('q.initial')}
        value={initial.event}
        onChange={(event) => setQuery({ ...query, initial: { event } })}
      />
      <EventPicker
        label={t('q.returning')}
        value={returning.event}
        allowAny
        onChange={(event) => setQuery({ ...query, returning: { event } })}
      />
      <Choice
        label={t('q.period')}
        value={String(query.period ?? 'day') as 'day' | 'week' | 'month'}
        options={[
          ['day', t('gran.day')],
          ['week', t('gran.week')],
          ['month', t('gran.month')],
        ]}
        onChange={(period) => setQuery({ ...query, period })}
      />
      <NumberField
        label={t('q.periods')}
        value={Number(query.periods ?? 7)}
        min={1}
        max={90}
        onChange={(periods) => setQuery({ ...query, periods })}
      />
      <Choice
        label={t('q.mode')}
        value={String(query.mode ?? 'recurring') as 'recurring' | 'first_time'}
        options={[
          ['recurring', lang === 'en' ? 'Recurring' : '每次触发'],
          ['first_time', lang === 'en' ? 'First time' : '首次触发'],
        ]}
        onChange={(mode) => setQuery({ ...query, mode })}
      />
      <Choice
        label={lang === 'en' ? 'Counts as retained' : '留存口径'}
        value={String(query.window ?? 'on') as 'on' | 'on_or_after'}
        options={[
          ['on', lang === 'en' ? 'Returned in that period' : '当期回访'],
          ['on_or_after', lang === 'en' ? 'In that period or later' : '当期或之后回访'],
        ]}
        onChange={(window) => {
          const { window: _w, ...rest } = query;
          setQuery(window === 'on' ? rest : { ...rest, window });
        }}
      />
    </fieldset>
  );
}

function Result({ query, result, compact, previous }: ResultProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const r = result as RetentionResult;
  const prev = previous?.result as RetentionResult | undefined;
  const prevName = previous ? `${t('cmp.prev')} ${previous.from}~${previous.to}` : '';
  const [churn, setChurn] = useState(false);
  const rows = [...r.average, ...r.cohorts];
  const label = (row: RetentionResult['cohorts'][number]) =>
    [row.cohort === 'average' ? t('col.average') : row.cohort, groupLabel(row.group)]
      .filter(Boolean)
      .join(' · ');
  const ks = Array.from({ length: r.periods + 1 }, (_, k) => k);
  const en = i18n.lang === 'en';
  // Each cohort's customers, and those retained or lost in each period that has started.
  const cells: PersonsChoice[] = r.cohorts.map((row) => ({
    label: label(row),
    selection: { cohort: row.cohort, ...(row.group ? { group: row.group } : {}) },
    options: [
      {
        label: en ? `Cohort (${i18n.exact(row.size)})` : `同期群（${i18n.exact(row.size)}）`,
        selection: { status: 'entered' },
      },
      ...ks.flatMap((k) => {
        const back = row.retained[k];
        if (back === null || back === undefined) return [];
        return [
          {
            label: en ? `Retained in ${k} (${i18n.exact(back)})` : `第 ${k} 期留存（${i18n.exact(back)}）`,
            selection: { status: 'retained', returnPeriod: k },
          },
          {
            label: en
              ? `Lost in ${k} (${i18n.exact(row.size - back)})`
              : `第 ${k} 期流失（${i18n.exact(row.size - back)}）`,
            selection: { status: 'lost', returnPeriod: k },
          },
        ];
      }),
    ],
  }));
  return (
    <>
      {prev && (
        <RetentionCurves
          current={{ name: `${t('cmp.current')} ${String(query.from)}~${String(query.to)}`, rows: r.average }}
          previous={{ name: prevName, rows: prev.average }}
          periods={Math.max(r.periods, prev.periods)}
        />
      )}
      <label className="inline">
        <input type="checkbox" checked={churn} onChange={(e) => setChurn(e.target.checked)} />{' '}
        {t('ret.churn')}
      </label>
      <div className="table-scroll">
        <table className="heat" data-testid="retention-heat">
          <caption>
            {t('ret.heat')} ({churn ? t('ret.churn') : t('ret.rates')})
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('col.cohort')}</th>
              <th scope="col">{t('col.size')}</th>
              {ks.map((k) => (
                <th key={k} scope="col">
                  {k}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: cohorts repeat across groups.
              <tr key={i}>
                <th scope="row">{label(row)}</th>
                <td className="num">{i18n.exact(row.size)}</td>
                {ks.map((k) => {
                  const rate = row.rates[k];
                  const shown = rate === null || rate === undefined ? null : churn ? 1 - rate : rate;
                  return (
                    <td
                      key={k}
                      className="num"
                      style={
                        shown === null
                          ? undefined
                          : {
                              background: `rgba(0, 114, 178, ${(shown * 0.85).toFixed(2)})`,
                              color: shown > 0.5 ? '#fff' : undefined,
                            }
                      }
                    >
                      {i18n.percent(shown)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <DataTable
        caption={`${t('q.table')} (${t('ret.counts')})`}
        filename="retention.csv"
        testId="result-table"
        columns={[
          { header: t('col.cohort') },
          { header: t('col.size'), kind: 'number' },
          ...ks.map((k) => ({ header: String(k), kind: 'number' as const })),
        ]}
        rows={[
          ...rows.map((row) => [label(row), row.size, ...row.retained]),
          ...(prev ? [...prev.average, ...prev.cohorts] : []).map((row) => [
            `${prevName} · ${label(row)}`,
            row.size,
            ...row.retained,
          ]),
        ]}
      />
      {!compact && (
        <ChoicePersons
          path="/v1/analysis/retention/persons"
          query={query}
          choices={cells}
          heading={en ? 'Show the customers of a cell' : '查看单元格背后的用户'}
          choiceLabel={t('col.cohort')}
          optionLabel={en ? 'Customers' : '用户'}
          testId="retention-persons"
        />
      )}
    </>
  );
}

export const retentionView: ModelView = {
  defaults: () => ({
    initial: { event: '$AppStart' },
    returning: { event: '$AppStart' },
    period: 'day',
    periods: 7,
  }),
  common: { granularity: false },
  Form,
  Result,
  isEmpty: (r) => (r as RetentionResult).cohorts.length === 0,
};

export default function RetentionPage() {
  return <AnalysisFrame model="retention" view={retentionView} />;
}
