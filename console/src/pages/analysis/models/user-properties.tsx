// User property analysis (属性分析): customers as of now by one user property (bars of customers
// per value or bucket, with the share printed on each bar) or two (stacked bars: one bar per value
// of the first property, one segment per value of the second), the cell table underneath with the
// measure's sum / average / median / min / max when one is chosen.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { UserPropertiesResult } from '../../../../../analytics-api/src/models/user-properties/schema.ts';
import { ComparisonTable } from '../../../components/ComparisonTable.tsx';
import { DataTable } from '../../../components/DataTable.tsx';
import { UsersBarChart } from '../../../components/UsersBarChart.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import { AnalysisFrame } from '../AnalysisFrame.tsx';
import { ChoicePersons, type PersonsChoice } from '../ChoicePersons.tsx';
import { groupLabel, PALETTE } from '../chart-style.ts';
import type { ModelView, ResultProps } from '../model-view.ts';
import { UserPropertiesForm } from './user-properties-form.tsx';

type Stats = UserPropertiesResult['total'];
const MEASURE_KEYS = ['withValue', 'sum', 'average', 'median', 'min', 'max'] as const;

/** The rows of the table: the total, then one per cell; measure columns only with a measure. */
export function userPropertyRows(r: UserPropertiesResult, measured: boolean, totalLabel: string) {
  const cells = (s: Stats) => [s.users, s.share, ...(measured ? MEASURE_KEYS.map((k) => s[k]) : [])];
  return [[totalLabel, ...cells(r.total)], ...r.cells.map((c) => [groupLabel(c.group), ...cells(c)])];
}

function Chart({ r }: { r: UserPropertiesResult }) {
  const i18n = useI18n();
  const { t } = i18n;
  const label = (v: string | null) => groupLabel([v]);
  if (r.dimensions.length === 2) {
    const [rowDim, colDim] = r.dimensions as [
      UserPropertiesResult['dimensions'][number],
      UserPropertiesResult['dimensions'][number],
    ];
    const data = rowDim.values.map((v) => {
      const row: Record<string, string | number> = { name: label(v) };
      colDim.values.forEach((w, k) => {
        row[`c${k}`] = r.cells.find((c) => c.group[0] === v && c.group[1] === w)?.users ?? 0;
      });
      return row;
    });
    return (
      <figure
        className="chart"
        aria-label={`${t('q.chart')}: ${rowDim.property} × ${colDim.property}, ${r.cells.length}`}
      >
        <ResponsiveContainer width="100%" height={340}>
          <BarChart data={data}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="name" />
            <YAxis tickFormatter={i18n.compact} width={70} />
            <Tooltip formatter={(v) => i18n.exact(Number(v))} />
            <Legend />
            {colDim.values.map((w, k) => (
              <Bar
                key={String(w)}
                dataKey={`c${k}`}
                name={`${colDim.property}: ${label(w)}`}
                stackId="users"
                fill={PALETTE[k % PALETTE.length]}
                // A white edge between segments: adjacent colours never have to carry the split alone.
                stroke="#fff"
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </figure>
    );
  }
  const data = r.cells.map((c) => ({
    name: r.dimensions.length ? groupLabel(c.group) : t('col.total'),
    users: c.users,
    tag: `${i18n.exact(c.users)} · ${i18n.percent(c.share)}`,
  }));
  if (r.dimensions.length === 0) data.push({ name: t('col.total'), users: r.total.users, tag: '' });
  return <UsersBarChart data={data} height={320} />;
}

function Result({ query, result, compact, previous }: ResultProps) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const en = lang === 'en';
  const r = result as UserPropertiesResult;
  const p = (previous?.result as UserPropertiesResult | undefined)?.total;
  const measured = typeof query.measure === 'string';
  const head = r.dimensions.map((d) => d.property).join(' / ') || (en ? 'Customers' : '用户');
  // The total, each cell and (two properties) each margin value; "$all" = any value of a property.
  const dims = r.dimensions.length;
  const choice = (label: string, cell: (string | null)[], users: number): PersonsChoice => ({
    label: `${label} (${i18n.exact(users)})`,
    selection: { cell },
  });
  const cellChoices: PersonsChoice[] = [
    choice(
      t('col.total'),
      r.dimensions.map(() => '$all'),
      r.total.users,
    ),
    ...r.cells.map((c) => choice(groupLabel(c.group, lang), c.group, c.users)),
    ...(dims === 2
      ? r.margins.flatMap((m, d) =>
          m.map((c) =>
            choice(
              `${r.dimensions[d]!.property} = ${groupLabel(c.group, lang)}`,
              r.dimensions.map((_, i) => (i === d ? c.group[0]! : '$all')),
              c.users,
            ),
          ),
        )
      : []),
  ];
  return (
    <>
      {previous && p && (
        <ComparisonTable
          filename="user-properties-comparison.csv"
          currentRange={`${String(query.from)}~${String(query.to)}`}
          previousRange={`${previous.from}~${previous.to}`}
          figures={[
            { label: t('col.users'), current: r.total.users, previous: p.users },
            ...(measured
              ? [
                  {
                    label: en ? 'With value' : '有值人数',
                    current: r.total.withValue,
                    previous: p.withValue,
                  },
                  { label: en ? 'Sum' : '合计', current: r.total.sum, previous: p.sum },
                  { label: en ? 'Average' : '平均值', current: r.total.average, previous: p.average },
                  { label: en ? 'Median' : '中位数', current: r.total.median, previous: p.median },
                ]
              : []),
          ]}
        />
      )}
      <Chart r={r} />
      <DataTable
        caption={t('q.table')}
        filename="user-properties.csv"
        testId="result-table"
        columns={[
          { header: head },
          { header: t('col.users'), kind: 'number' },
          { header: en ? 'Share' : '占比', kind: 'percent' },
          ...(measured
            ? [
                { header: en ? 'With value' : '有值人数', kind: 'number' as const },
                { header: en ? 'Sum' : '合计', kind: 'number' as const },
                { header: en ? 'Average' : '平均值', kind: 'number' as const },
                { header: en ? 'Median' : '中位数', kind: 'number' as const },
                { header: en ? 'Min' : '最小值', kind: 'number' as const },
                { header: en ? 'Max' : '最大值', kind: 'number' as const },
              ]
            : []),
        ]}
        rows={userPropertyRows(r, measured, t('col.total'))}
      />
      {!compact && (
        <ChoicePersons
          path="/v1/analysis/user-properties/persons"
          query={query}
          choices={cellChoices}
          heading={en ? 'Show the customers of a cell' : '查看单元格背后的用户'}
          choiceLabel={en ? 'Cell' : '单元格'}
          testId="user-properties-persons"
        />
      )}
    </>
  );
}

export const userPropertiesView: ModelView = {
  defaults: () => ({
    granularity: 'total',
    groupBy: [{ source: 'user', property: 'customer_level' }],
  }),
  common: { granularity: false, groupBy: false },
  filterSources: ['user'],
  Form: UserPropertiesForm,
  Result,
  isEmpty: (r) => (r as UserPropertiesResult).total.users === 0,
};

export default function UserPropertiesPage() {
  return <AnalysisFrame model="user-properties" view={userPropertiesView} />;
}
