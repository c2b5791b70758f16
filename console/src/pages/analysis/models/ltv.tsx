// LTV (LTV 分析): cohorts by the day of an initial event, cumulative value per customer on day
// 1..N of a value event's numeric property; the weighted average curve per group as lines.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { LtvResult } from '../../../../../analytics-api/src/models/ltv/schema.ts';
import { ComparisonTable } from '../../../components/ComparisonTable.tsx';
import { DataTable } from '../../../components/DataTable.tsx';
import { Choice, EventPicker, NumberField, PropertyPicker } from '../../../components/pickers.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import { AnalysisFrame } from '../AnalysisFrame.tsx';
import { ChoicePersons, type PersonsChoice } from '../ChoicePersons.tsx';
import { groupLabel, seriesStyle } from '../chart-style.ts';
import type { ModelView, Query, ResultProps } from '../model-view.ts';

function Form({ query, setQuery }: { query: Query; setQuery: (q: Query) => void }) {
  const { t, lang } = useI18n();
  return (
    <fieldset className="row">
      <legend>{t('model.ltv')}</legend>
      <EventPicker
        label={t('q.initial')}
        value={(query.initialEvent as { event: string } | undefined)?.event ?? '$Login'}
        onChange={(event) => setQuery({ ...query, initialEvent: { event } })}
      />
      <EventPicker
        label={lang === 'en' ? 'Value event' : '价值事件'}
        value={(query.valueEvent as { event: string } | undefined)?.event ?? 'wealth_purchase'}
        onChange={(event) => setQuery({ ...query, valueEvent: { event } })}
      />
      <PropertyPicker
        label={lang === 'en' ? 'Value property' : '价值属性'}
        source="event"
        numericOnly
        value={String(query.valueProperty ?? 'amount')}
        onChange={(valueProperty) => setQuery({ ...query, valueProperty })}
      />
      <NumberField
        label={lang === 'en' ? 'Days' : '天数'}
        value={Number(query.days ?? 14)}
        min={1}
        max={180}
        onChange={(days) => setQuery({ ...query, days })}
      />
      <Choice
        label={lang === 'en' ? 'Cohorts by' : '分组周期'}
        value={String(query.cohortPeriod ?? 'day') as 'day' | 'week'}
        options={[
          ['day', lang === 'en' ? 'Day of the initial event' : '按初始事件日'],
          ['week', lang === 'en' ? 'Week of the initial event' : '按初始事件周'],
        ]}
        onChange={(cohortPeriod) => {
          const { cohortPeriod: _c, ...rest } = query;
          setQuery(cohortPeriod === 'day' ? rest : { ...rest, cohortPeriod });
        }}
      />
    </fieldset>
  );
}

function Result({ query, result, compact, previous }: ResultProps) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const r = result as LtvResult;
  // The compared period's overall average (the first group's when grouped) overlays the lines.
  const p = (previous?.result as LtvResult | undefined)?.groups[0]?.average;
  const c = r.groups[0]?.average;
  const prevName = previous ? `${t('cmp.prev')} ${previous.from}~${previous.to}` : '';
  const days = Array.from({ length: r.days }, (_, k) => k + 1);
  const cohortChoices: PersonsChoice[] = r.groups.flatMap((g) =>
    g.cohorts
      .filter((c) => c.users > 0)
      .map((c) => ({
        label: `${[c.cohort, groupLabel(g.group, lang)].filter(Boolean).join(' · ')} (${i18n.exact(c.users)})`,
        selection: { cohort: c.cohort, ...(g.group ? { group: g.group } : {}) },
      })),
  );
  const data = days.map((d) => {
    const row: Record<string, number | null> = { day: d };
    r.groups.forEach((g, i) => {
      row[`g${i}`] = g.average.ltv[d - 1] ?? null;
    });
    if (p) row.previous = p.ltv[d - 1] ?? null;
    return row;
  });
  const last = r.days;
  const ownName = (g: LtvResult['groups'][number]) => groupLabel(g.group) || t('col.average');
  // Beside the compared period's line, this period's lines say which range they are.
  const name = (g: LtvResult['groups'][number]) =>
    p ? `${t('cmp.current')} ${String(query.from)}~${String(query.to)} · ${ownName(g)}` : ownName(g);
  const rows = r.groups.flatMap((g) =>
    [g.average, ...g.cohorts].map((c) => [
      [c.cohort === 'average' ? t('col.average') : c.cohort, groupLabel(g.group)].filter(Boolean).join(' · '),
      c.users,
      ...c.ltv,
    ]),
  );
  return (
    <>
      {previous && p && c && (
        <ComparisonTable
          filename="ltv-comparison.csv"
          currentRange={`${String(query.from)}~${String(query.to)}`}
          previousRange={`${previous.from}~${previous.to}`}
          figures={[
            {
              label: lang === 'en' ? 'Customers in cohorts' : '初始人数',
              current: c.users,
              previous: p.users,
            },
            { label: 'LTV D1', current: c.ltv[0] ?? null, previous: p.ltv[0] ?? null },
            ...(last > 1
              ? [
                  {
                    label: `LTV D${last}`,
                    current: c.ltv[last - 1] ?? null,
                    previous: p.ltv[last - 1] ?? null,
                  },
                ]
              : []),
          ]}
        />
      )}
      <figure className="chart" aria-label={`${t('q.chart')}: LTV`}>
        <ResponsiveContainer width="100%" height={320}>
          <LineChart data={data}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="day" />
            <YAxis tickFormatter={i18n.compact} width={70} />
            <Tooltip formatter={(v) => i18n.exact(Number(v))} />
            <Legend />
            {r.groups.map((g, i) => (
              <Line
                key={groupLabel(g.group) || 'all'}
                dataKey={`g${i}`}
                name={name(g)}
                dot={false}
                isAnimationActive={false}
                {...seriesStyle(i)}
              />
            ))}
            {p && (
              <Line
                dataKey="previous"
                name={`${prevName} · ${t('col.average')}`}
                dot={false}
                isAnimationActive={false}
                {...seriesStyle(r.groups.length)}
              />
            )}
          </LineChart>
        </ResponsiveContainer>
      </figure>
      <DataTable
        caption={t('q.table')}
        filename="ltv.csv"
        testId="result-table"
        columns={[
          { header: t('col.cohort') },
          { header: t('col.users'), kind: 'number' },
          ...days.map((d) => ({ header: `D${d}`, kind: 'number' as const })),
        ]}
        rows={rows}
      />
      {!compact && (
        <ChoicePersons
          path="/v1/analysis/ltv/persons"
          query={query}
          choices={cohortChoices}
          heading={lang === 'en' ? 'Show the customers of a cohort' : '查看同期群的用户'}
          choiceLabel={t('col.cohort')}
          testId="ltv-persons"
        />
      )}
    </>
  );
}

export const ltvView: ModelView = {
  defaults: () => ({
    initialEvent: { event: '$Login' },
    valueEvent: { event: 'wealth_purchase' },
    valueProperty: 'amount',
    days: 14,
  }),
  common: { granularity: false },
  Form,
  Result,
  isEmpty: (r) => (r as LtvResult).groups.every((g) => g.cohorts.length === 0),
};

export default function LtvPage() {
  return <AnalysisFrame model="ltv" view={ltvView} />;
}
