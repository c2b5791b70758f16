// Funnel (漏斗分析): ordered steps with a conversion window; stepped bars of users per step with
// the conversion printed on each bar (not colour alone), the step table, and the daily trend.
// With a comparison period: its bars beside this period's and its columns (users, conversion,
// change) in the step table.
import {
  Bar,
  BarChart,
  CartesianGrid,
  LabelList,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { Filter, FunnelResult } from '../../../api/types.ts';
import { DataTable } from '../../../components/DataTable.tsx';
import { EventFilters } from '../../../components/EventFilters.tsx';
import { EventPicker, NumberField } from '../../../components/pickers.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import { AnalysisFrame } from '../AnalysisFrame.tsx';
import { groupLabel, PALETTE } from '../chart-style.ts';
import { relativeChange } from '../comparison.ts';
import type { ModelView, Query, ResultProps } from '../model-view.ts';
import { FunnelOptions } from './funnel-options.tsx';
import { FunnelPersons } from './funnel-persons.tsx';

type Step = { event: string; label?: string; filters?: Filter[] };

function Form({ query, setQuery }: { query: Query; setQuery: (q: Query) => void }) {
  const { t } = useI18n();
  const steps = (query.steps as Step[] | undefined) ?? [];
  return (
    <fieldset>
      <legend>{t('q.step')}</legend>
      <ol className="steps">
        {steps.map((s, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: steps are ordered by position.
          <li key={i} className="row">
            <EventPicker
              label={`${t('q.step')} ${i + 1}`}
              value={s.event}
              onChange={(event) =>
                setQuery({ ...query, steps: steps.map((x, j) => (j === i ? { ...x, event } : x)) })
              }
            />
            {steps.length > 2 && (
              <button
                type="button"
                onClick={() => {
                  // Exclusions that pointed past the last step would be refused by the API.
                  const exclusions = (query.exclusions as Array<{ toStep: number }> | undefined)?.filter(
                    (x) => x.toStep < steps.length,
                  );
                  const { exclusions: _e, ...rest } = query;
                  setQuery({
                    ...rest,
                    steps: steps.filter((_, j) => j !== i),
                    ...(exclusions?.length ? { exclusions } : {}),
                  });
                }}
              >
                {t('q.remove')}
              </button>
            )}
            <EventFilters
              name={`${t('q.step')} ${i + 1}`}
              filters={s.filters}
              onChange={(filters) =>
                setQuery({
                  ...query,
                  steps: steps.map((x, j) =>
                    j === i ? { ...x, ...(filters ? { filters } : { filters: undefined }) } : x,
                  ),
                })
              }
            />
          </li>
        ))}
      </ol>
      {steps.length < 10 && (
        <button
          type="button"
          onClick={() =>
            setQuery({ ...query, steps: [...steps, { event: steps.at(-1)?.event ?? '$AppStart' }] })
          }
        >
          {t('q.addStep')}
        </button>
      )}
      <NumberField
        label={t('q.window')}
        value={Number(query.windowMinutes ?? 1440)}
        min={1}
        max={43200}
        onChange={(windowMinutes) => setQuery({ ...query, windowMinutes })}
      />
      <FunnelOptions query={query} setQuery={setQuery} />
    </fieldset>
  );
}

type Steps = FunnelResult['steps'];

/** The compared period's steps for the same group (matched by its values, not its position). */
const previousSteps = (
  prev: FunnelResult | undefined,
  group: FunnelResult['groups'][number]['group'] | null,
) =>
  prev === undefined
    ? undefined
    : group === null
      ? prev.steps
      : (prev.groups.find((g) => groupLabel(g.group) === groupLabel(group))?.steps ?? []);

function Result({ query, result, compact, previous }: ResultProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const r = result as FunnelResult;
  const prev = previous?.result as FunnelResult | undefined;
  const prevName = previous ? `${t('cmp.prev')} ${previous.from}~${previous.to}` : '';
  const data = r.steps.map((s, i) => ({
    name: `${s.step}. ${s.label || s.event}`,
    users: s.users,
    tag: `${i18n.exact(s.users)} · ${i18n.percent(s.conversionFromFirst)}`,
    ...(prev
      ? {
          prevUsers: prev.steps[i]?.users ?? null,
          prevTag: `${i18n.exact(prev.steps[i]?.users)} · ${i18n.percent(prev.steps[i]?.conversionFromFirst)}`,
        }
      : {}),
  }));
  const stepRows = (steps: Steps, prefix = '', before?: Steps) =>
    steps.map((s, i) => [
      `${prefix}${s.step}. ${s.label || s.event}`,
      s.users,
      s.conversionFromPrevious,
      s.conversionFromFirst,
      s.dropOff,
      s.medianSecondsFromPrevious,
      ...(before
        ? [
            before[i]?.users ?? null,
            before[i]?.conversionFromFirst ?? null,
            relativeChange(s.users, before[i]?.users),
            s.conversionFromFirst === null || before[i]?.conversionFromFirst == null
              ? null
              : s.conversionFromFirst - (before[i]?.conversionFromFirst ?? 0),
          ]
        : []),
    ]);
  return (
    <>
      <figure
        className="chart"
        aria-label={`${t('q.chart')}: ${data.map((d) => `${d.name} ${d.tag}`).join('; ')}`}
      >
        <ResponsiveContainer width="100%" height={300}>
          <BarChart data={data} margin={{ top: 24 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="name" />
            <YAxis tickFormatter={i18n.compact} width={70} />
            <Tooltip formatter={(v) => i18n.exact(Number(v))} />
            {prev && <Legend />}
            <Bar
              dataKey="users"
              name={prev ? `${t('cmp.current')} ${String(query.from)}~${String(query.to)}` : t('col.users')}
              fill={PALETTE[0]}
              isAnimationActive={false}
            >
              <LabelList dataKey="tag" position="top" />
            </Bar>
            {prev && (
              // Hatched outline as well as another colour: the periods differ by more than hue.
              <Bar
                dataKey="prevUsers"
                name={prevName}
                fill={PALETTE[1]}
                stroke="#000"
                strokeDasharray="4 2"
                isAnimationActive={false}
              >
                <LabelList dataKey="prevTag" position="top" />
              </Bar>
            )}
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <DataTable
        caption={t('q.table')}
        filename="funnel.csv"
        testId="result-table"
        columns={[
          { header: t('col.step') },
          { header: t('col.users'), kind: 'number' },
          { header: t('col.convPrev'), kind: 'percent' },
          { header: t('col.convFirst'), kind: 'percent' },
          { header: t('col.dropOff'), kind: 'number' },
          { header: t('col.medianTime'), kind: 'seconds' },
          ...(previous
            ? ([
                { header: `${t('col.users')} (${prevName})`, kind: 'number' },
                { header: `${t('col.convFirst')} (${prevName})`, kind: 'percent' },
                { header: `${t('col.users')} ${t('cmp.change')}`, kind: 'change' },
                { header: `${t('col.convFirst')} ${t('cmp.diffPoints')}`, kind: 'percent' },
              ] as const)
            : []),
        ]}
        rows={[
          ...stepRows(r.steps, '', previousSteps(prev, null)),
          ...r.groups.flatMap((g) =>
            stepRows(g.steps, `${groupLabel(g.group)} · `, previousSteps(prev, g.group)),
          ),
        ]}
      />
      {r.trend.length > 0 && !compact && (
        <DataTable
          caption={i18n.lang === 'en' ? 'Conversion by day entered' : '按进入日期的转化趋势'}
          filename="funnel-trend.csv"
          columns={[
            { header: t('col.period') },
            { header: i18n.lang === 'en' ? 'Entered' : '进入人数', kind: 'number' },
            { header: i18n.lang === 'en' ? 'Converted' : '完成人数', kind: 'number' },
            { header: t('col.convFirst'), kind: 'percent' },
          ]}
          rows={r.trend.map((p) => [p.period, p.entered, p.converted, p.conversion])}
        />
      )}
      {!compact && <FunnelPersons query={query} result={r} />}
    </>
  );
}

export const funnelView: ModelView = {
  defaults: () => ({
    granularity: 'day',
    windowMinutes: 1440,
    steps: [
      { event: 'loan_view' },
      { event: 'loan_apply_start' },
      { event: 'loan_apply_submit' },
      { event: 'loan_approved' },
    ],
  }),
  Form,
  Result,
  isEmpty: (r) => ((r as FunnelResult).steps[0]?.users ?? 0) === 0,
};

export default function FunnelPage() {
  return <AnalysisFrame model="funnel" view={funnelView} />;
}
