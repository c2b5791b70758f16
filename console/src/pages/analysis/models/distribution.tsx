// Distribution (分布分析): how customers spread over times done / active days / active hours / a
// summed property; a histogram of customers per bucket with the share printed on each bar, and
// the bucket table (per group when grouped).
import type { DistributionResult } from '../../../../../analytics-api/src/models/distribution/schema.ts';
import { BucketControls } from '../../../components/BucketControls.tsx';
import { ComparisonTable } from '../../../components/ComparisonTable.tsx';
import { DataTable } from '../../../components/DataTable.tsx';
import { Choice, EventPicker, PropertyPicker } from '../../../components/pickers.tsx';
import { UsersBarChart } from '../../../components/UsersBarChart.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import { AnalysisFrame } from '../AnalysisFrame.tsx';
import { ChoicePersons, type PersonsChoice } from '../ChoicePersons.tsx';
import { groupLabel } from '../chart-style.ts';
import type { ModelView, Query, ResultProps } from '../model-view.ts';

type Measure = 'times' | 'active_days' | 'active_hours' | 'sum';

function Form({ query, setQuery }: { query: Query; setQuery: (q: Query) => void }) {
  const { t, lang } = useI18n();
  const measure = String(query.measure ?? 'times') as Measure;
  const en = lang === 'en';
  return (
    <fieldset className="row">
      <legend>{t('model.distribution')}</legend>
      <EventPicker
        label={t('q.event')}
        value={(query.event as { event: string } | undefined)?.event ?? '$AppStart'}
        allowAny
        onChange={(event) => setQuery({ ...query, event: { event } })}
      />
      <Choice
        label={en ? 'Measure' : '分布指标'}
        value={measure}
        options={[
          ['times', en ? 'Times done' : '做过次数'],
          ['active_days', en ? 'Active days' : '活跃天数'],
          ['active_hours', en ? 'Active hours' : '活跃小时数'],
          ['sum', en ? 'Sum of a property' : '属性求和'],
        ]}
        onChange={(m) => {
          const { property: _p, ...rest } = query;
          setQuery(m === 'sum' ? { ...rest, measure: m, property: 'amount' } : { ...rest, measure: m });
        }}
      />
      {measure === 'sum' && (
        <PropertyPicker
          label={t('q.property')}
          source="event"
          numericOnly
          value={String(query.property ?? '')}
          onChange={(property) => setQuery({ ...query, property })}
        />
      )}
      <BucketControls query={query} setQuery={setQuery} />
    </fieldset>
  );
}

function Result({ query, result, compact, previous }: ResultProps) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const r = result as DistributionResult;
  const p = (previous?.result as DistributionResult | undefined)?.stats;
  const en = lang === 'en';
  const data = r.buckets.map((b) => ({ name: b.label, users: b.users, tag: i18n.percent(b.share) }));
  const rows = [
    ...r.buckets.map((b) => [b.label, b.users, b.share]),
    ...r.groups.flatMap((g) =>
      g.buckets.map((b) => [`${groupLabel(g.group)} · ${b.label}`, b.users, b.share]),
    ),
  ];
  // Buckets by their bounds (the API lists lower <= v < upper), overall and per group.
  const bucketChoices: PersonsChoice[] = [
    ...r.buckets.map((b) => ({ b, group: null as DistributionResult['groups'][number]['group'] | null })),
    ...r.groups.flatMap((g) => g.buckets.map((b) => ({ b, group: g.group }))),
  ]
    .filter(({ b }) => b.users > 0)
    .map(({ b, group }) => ({
      label: `${group ? `${groupLabel(group)} · ` : ''}${b.label} (${i18n.exact(b.users)})`,
      selection: { lower: b.lower, upper: b.upper, ...(group ? { group } : {}) },
    }));
  return (
    <>
      <p className="small" data-testid="distribution-stats">
        {t('col.users')} {i18n.exact(r.stats.users)} · min {i18n.exact(r.stats.min)} ·{' '}
        {lang === 'en' ? 'median' : '中位数'} {i18n.exact(r.stats.median)} · {lang === 'en' ? 'mean' : '平均'}{' '}
        {i18n.exact(r.stats.average)} · max {i18n.exact(r.stats.max)}
      </p>
      {previous && p && (
        <ComparisonTable
          filename="distribution-comparison.csv"
          currentRange={`${String(query.from)}~${String(query.to)}`}
          previousRange={`${previous.from}~${previous.to}`}
          figures={[
            { label: t('col.users'), current: r.stats.users, previous: p.users },
            { label: 'min', current: r.stats.min, previous: p.min },
            { label: en ? 'median' : '中位数', current: r.stats.median, previous: p.median },
            { label: en ? 'mean' : '平均', current: r.stats.average, previous: p.average },
            { label: 'max', current: r.stats.max, previous: p.max },
          ]}
        />
      )}
      <UsersBarChart data={data} />
      <DataTable
        caption={t('q.table')}
        filename="distribution.csv"
        testId="result-table"
        columns={[
          { header: lang === 'en' ? 'Bucket' : '区间' },
          { header: t('col.users'), kind: 'number' },
          { header: lang === 'en' ? 'Share' : '占比', kind: 'percent' },
        ]}
        rows={rows}
      />
      {!compact && (
        <ChoicePersons
          path="/v1/analysis/distribution/persons"
          query={query}
          choices={bucketChoices}
          heading={en ? 'Show the customers of a bucket' : '查看区间内的用户'}
          choiceLabel={lang === 'en' ? 'Bucket' : '区间'}
          testId="distribution-persons"
        />
      )}
    </>
  );
}

export const distributionView: ModelView = {
  defaults: () => ({ granularity: 'total', event: { event: '$AppStart' }, measure: 'times' }),
  common: { granularity: false },
  Form,
  Result,
  isEmpty: (r) => (r as DistributionResult).stats.users === 0,
};

export default function DistributionPage() {
  return <AnalysisFrame model="distribution" view={distributionView} />;
}
