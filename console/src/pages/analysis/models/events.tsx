// Event analysis (事件分析): metrics (event + aggregation + own filters), line chart over time
// (bars for the total over the range), a row per series in the table, previous-period comparison.
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { EventResult, Metric } from '../../../api/types.ts';
import { DataTable } from '../../../components/DataTable.tsx';
import { EventFilters } from '../../../components/EventFilters.tsx';
import { Choice, EventPicker, PropertyPicker } from '../../../components/pickers.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import type { MessageKey } from '../../../i18n/messages.ts';
import { AnalysisFrame } from '../AnalysisFrame.tsx';
import { ChoicePersons, seriesPointChoices } from '../ChoicePersons.tsx';
import { groupLabel, seriesStyle } from '../chart-style.ts';
import type { ModelView, Query, ResultProps } from '../model-view.ts';
import { EventFormulas } from './event-formulas.tsx';

const AGGREGATIONS = ['count', 'users', 'per_user', 'sum', 'avg', 'max', 'min', 'distinct'] as const;
const NEEDS_PROPERTY = new Set(['sum', 'avg', 'max', 'min', 'distinct']);

function Form({ query, setQuery }: { query: Query; setQuery: (q: Query) => void }) {
  const { t } = useI18n();
  const metrics = (query.metrics as Metric[] | undefined) ?? [];
  const set = (i: number, change: Partial<Metric>) =>
    setQuery({ ...query, metrics: metrics.map((m, j) => (j === i ? { ...m, ...change } : m)) });
  return (
    <fieldset>
      <legend>{t('q.metric')}</legend>
      {metrics.map((m, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: metrics are addressed by position (A, B, ...).
        <div className="row" key={i}>
          <strong aria-hidden="true">{String.fromCharCode(65 + i)}</strong>
          <EventPicker
            label={`${t('q.event')} ${String.fromCharCode(65 + i)}`}
            value={m.event}
            allowAny
            onChange={(event) => set(i, { event })}
          />
          <Choice
            label={t('q.aggregation')}
            value={m.aggregation}
            options={AGGREGATIONS.map((a) => [a, t(`agg.${a}` as MessageKey)] as const)}
            onChange={(aggregation) =>
              set(i, { aggregation, ...(NEEDS_PROPERTY.has(aggregation) ? {} : { property: undefined }) })
            }
          />
          {NEEDS_PROPERTY.has(m.aggregation) && (
            <PropertyPicker
              label={t('q.property')}
              source="event"
              numericOnly={m.aggregation !== 'distinct'}
              value={m.property ?? ''}
              onChange={(property) => set(i, { property })}
            />
          )}
          {metrics.length > 1 && (
            <button
              type="button"
              onClick={() => setQuery({ ...query, metrics: metrics.filter((_, j) => j !== i) })}
            >
              {t('q.remove')}
            </button>
          )}
          <EventFilters
            name={`${t('q.metric')} ${String.fromCharCode(65 + i)}`}
            filters={m.filters}
            onChange={(filters) => set(i, { filters })}
          />
        </div>
      ))}
      {metrics.length < 10 && (
        <button
          type="button"
          onClick={() =>
            setQuery({ ...query, metrics: [...metrics, { event: '$any', aggregation: 'users' }] })
          }
        >
          {t('q.addMetric')}
        </button>
      )}
      <EventFormulas query={query} setQuery={setQuery} />
    </fieldset>
  );
}

function Result({ query, result, compact }: ResultProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const r = result as EventResult;
  const name = (s: EventResult['series'][number]) =>
    [s.label, groupLabel(s.group)].filter(Boolean).join(' · ');
  const total = r.periods.length === 1;
  const data = r.periods.map((p, k) => {
    const row: Record<string, string | number | null> = { period: p };
    r.series.forEach((s, i) => {
      row[`s${i}`] = s.values[k] ?? null;
    });
    return row;
  });
  const chartLabel = `${t('q.chart')}: ${r.series.map(name).join(', ')}`;
  // Over the whole range (one period) the period column would repeat the total: show it once.
  const cells = (s: EventResult['series'][number]) => (total ? [s.total] : [...s.values, s.total]);
  const rows = [
    ...r.series.map((s) => [name(s), ...cells(s)]),
    ...(r.previous?.series.map((s) => [`${name(s)} (${r.previous!.from}~${r.previous!.to})`, ...cells(s)]) ??
      []),
  ];
  return (
    <>
      <figure className="chart" aria-label={chartLabel}>
        <ResponsiveContainer width="100%" height={320}>
          {total ? (
            <BarChart
              data={r.series.map((s) => ({ name: name(s), value: s.total }))}
              layout="vertical"
              margin={{ left: 80 }}
            >
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis type="number" tickFormatter={i18n.compact} />
              <YAxis type="category" dataKey="name" width={160} />
              <Tooltip formatter={(v) => i18n.exact(Number(v))} />
              <Bar dataKey="value" name={t('col.total')} fill="#0072B2" isAnimationActive={false} />
            </BarChart>
          ) : (
            <LineChart data={data}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="period" />
              <YAxis tickFormatter={i18n.compact} width={70} />
              <Tooltip formatter={(v) => i18n.exact(Number(v))} />
              <Legend />
              {r.series.map((s, i) => (
                <Line
                  key={`${s.key}-${groupLabel(s.group)}`}
                  type="monotone"
                  dataKey={`s${i}`}
                  name={name(s)}
                  dot={{ r: 2 }}
                  isAnimationActive={false}
                  {...seriesStyle(i)}
                />
              ))}
            </LineChart>
          )}
        </ResponsiveContainer>
      </figure>
      <DataTable
        caption={t('q.table')}
        filename="events.csv"
        testId="result-table"
        columns={[
          { header: t('col.series') },
          ...(total ? [] : r.periods.map((p) => ({ header: p, kind: 'number' as const }))),
          { header: t('col.total'), kind: 'number' },
        ]}
        rows={rows}
      />
      {!compact && (
        <ChoicePersons
          path="/v1/analysis/events/persons"
          query={query}
          // Metrics only (formulas have no customers of their own); a users metric lists its value.
          choices={seriesPointChoices(
            r.series
              .filter((s) => /^[A-J]$/.test(s.key))
              .map((s) => ({
                label: name(s),
                selection: { metric: s.key, ...(s.group ? { group: s.group } : {}) },
                total: s.total,
                values: total ? [] : s.values,
              })),
            total ? [] : r.periods,
            i18n,
          )}
          heading={i18n.lang === 'en' ? 'Show the customers behind a metric' : '查看指标背后的用户'}
          choiceLabel={t('col.series')}
          optionLabel={i18n.lang === 'en' ? 'When' : '时间'}
          testId="events-persons"
        />
      )}
    </>
  );
}

export const eventsView: ModelView = {
  defaults: () => ({ granularity: 'day', metrics: [{ event: '$any', aggregation: 'users' }] }),
  common: { compare: true },
  Form,
  Result,
  isEmpty: (r) => (r as EventResult).series.length === 0,
};

export default function EventsPage() {
  return <AnalysisFrame model="events" view={eventsView} />;
}
