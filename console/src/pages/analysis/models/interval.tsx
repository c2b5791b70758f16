// Interval (间隔分析): time from a start event to the next end event per customer; a histogram of
// intervals and the box-plot figures (min, quartiles, median, max, mean) per period and group.
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { IntervalResult } from '../../../../../analytics-api/src/models/interval/schema.ts';
import { ComparisonTable } from '../../../components/ComparisonTable.tsx';
import { DataTable } from '../../../components/DataTable.tsx';
import { NumberListField } from '../../../components/NumberListField.tsx';
import { EventPicker, NumberField, PropertyPicker } from '../../../components/pickers.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import { AnalysisFrame } from '../AnalysisFrame.tsx';
import { groupLabel } from '../chart-style.ts';
import type { ModelView, Query, ResultProps } from '../model-view.ts';

function Form({ query, setQuery }: { query: Query; setQuery: (q: Query) => void }) {
  const { t, lang } = useI18n();
  const en = lang === 'en';
  return (
    <fieldset className="row">
      <legend>{t('model.interval')}</legend>
      <EventPicker
        label={en ? 'Start event' : '起始事件'}
        value={(query.start as { event: string } | undefined)?.event ?? '$Login'}
        allowAny
        onChange={(event) => setQuery({ ...query, start: { event } })}
      />
      <EventPicker
        label={en ? 'End event' : '结束事件'}
        value={(query.end as { event: string } | undefined)?.event ?? 'transfer'}
        allowAny
        onChange={(event) => setQuery({ ...query, end: { event } })}
      />
      <NumberField
        label={en ? 'Maximum interval (minutes, 0 = none)' : '最大间隔（分钟，0 为不限）'}
        value={Number(query.maxIntervalMinutes ?? 0)}
        min={0}
        onChange={(m) => {
          const { maxIntervalMinutes: _m, ...rest } = query;
          setQuery(m > 0 ? { ...rest, maxIntervalMinutes: m } : rest);
        }}
      />
      <PropertyPicker
        label={en ? 'Linking property (same value on start and end)' : '关联属性（起止事件取值相同）'}
        source="event"
        value={String(query.linkProperty ?? '')}
        allowNone={en ? 'None' : '不关联'}
        onChange={(linkProperty) => {
          const { linkProperty: _l, ...rest } = query;
          setQuery(linkProperty ? { ...rest, linkProperty } : rest);
        }}
      />
      <NumberListField
        label={
          en ? 'Histogram boundaries (seconds; empty = 1 min ... 30 days)' : '直方图边界（秒，留空为默认）'
        }
        value={query.histogramSeconds as number[] | undefined}
        testId="interval-histogram"
        onChange={(histogramSeconds) => {
          const { histogramSeconds: _h, ...rest } = query;
          setQuery(histogramSeconds ? { ...rest, histogramSeconds } : rest);
        }}
      />
    </fieldset>
  );
}

function Result({ query, result, previous }: ResultProps) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const r = result as IntervalResult;
  const en = lang === 'en';
  const p = (previous?.result as IntervalResult | undefined)?.overall.total;
  const c = r.overall.total;
  const statsRow = (label: string, s: IntervalResult['overall']['total']) => [
    label,
    s.starts,
    s.count,
    s.min,
    s.p25,
    s.median,
    s.p75,
    s.max,
    s.mean,
  ];
  const series = [r.overall, ...r.groups];
  const rows = series.flatMap((x) => {
    const g = groupLabel(x.group);
    const name = (p: string) => [p, g].filter(Boolean).join(' · ');
    return [
      statsRow(name(t('col.total')), x.total),
      ...r.periods.map((p, k) => statsRow(name(p), x.byPeriod[k]!)),
    ];
  });
  return (
    <>
      {previous && p && (
        <ComparisonTable
          filename="interval-comparison.csv"
          currentRange={`${String(query.from)}~${String(query.to)}`}
          previousRange={`${previous.from}~${previous.to}`}
          figures={[
            { label: en ? 'Starts' : '起始次数', current: c.starts, previous: p.starts },
            { label: en ? 'Intervals' : '间隔数', current: c.count, previous: p.count },
            { label: 'P25', current: c.p25, previous: p.p25, kind: 'seconds' },
            { label: en ? 'Median' : '中位数', current: c.median, previous: p.median, kind: 'seconds' },
            { label: 'P75', current: c.p75, previous: p.p75, kind: 'seconds' },
            { label: en ? 'Mean' : '平均', current: c.mean, previous: p.mean, kind: 'seconds' },
          ]}
        />
      )}
      <figure
        className="chart"
        aria-label={`${t('q.chart')}: ${r.overall.histogram.map((b) => `${b.label} ${b.count}`).join('; ')}`}
      >
        <ResponsiveContainer width="100%" height={300}>
          <BarChart data={r.overall.histogram}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="label" />
            <YAxis tickFormatter={i18n.compact} width={70} />
            <Tooltip formatter={(v) => i18n.exact(Number(v))} />
            <Bar
              dataKey="count"
              name={en ? 'Intervals' : '间隔数'}
              fill="#0072B2"
              isAnimationActive={false}
            />
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <DataTable
        caption={t('q.table')}
        filename="interval.csv"
        testId="result-table"
        columns={[
          { header: t('col.period') },
          { header: en ? 'Starts' : '起始次数', kind: 'number' },
          { header: en ? 'Intervals' : '间隔数', kind: 'number' },
          { header: 'min', kind: 'seconds' },
          { header: 'P25', kind: 'seconds' },
          { header: en ? 'Median' : '中位数', kind: 'seconds' },
          { header: 'P75', kind: 'seconds' },
          { header: 'max', kind: 'seconds' },
          { header: en ? 'Mean' : '平均', kind: 'seconds' },
        ]}
        rows={rows}
      />
    </>
  );
}

export const intervalView: ModelView = {
  defaults: () => ({ granularity: 'day', start: { event: '$Login' }, end: { event: 'transfer' } }),
  Form,
  Result,
  isEmpty: (r) => (r as IntervalResult).overall.total.starts === 0,
};

export default function IntervalPage() {
  return <AnalysisFrame model="interval" view={intervalView} />;
}
