// Attribution (归因分析): a conversion event, touchpoints (optionally split by a property such as
// banner id), lookback; stacked bars per attribution model (each stack = the touchpoints' credit),
// a table of credited conversions per touchpoint and model, and the unattributed conversions.
// Grouped: conversions per group, stacked bars per group under one model, a picker for whose
// credits the models chart draws, and every group's credits in the table (and its CSV).
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type {
  AttributionGroup,
  AttributionResult,
} from '../../../../../analytics-api/src/models/attribution/schema.ts';
import { ComparisonTable } from '../../../components/ComparisonTable.tsx';
import { DataTable } from '../../../components/DataTable.tsx';
import { Choice, EventPicker, NumberField, PropertyPicker } from '../../../components/pickers.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import { AnalysisFrame } from '../AnalysisFrame.tsx';
import { groupLabel, PALETTE } from '../chart-style.ts';
import { GroupPicker, usePickedGroup } from '../group-picker.tsx';
import type { ModelView, Query, ResultProps } from '../model-view.ts';
import { AttributionLink } from './attribution-link.tsx';

const MODEL_NAMES: Record<string, [string, string]> = {
  first_touch: ['首次触点', 'First touch'],
  last_touch: ['末次触点', 'Last touch'],
  linear: ['线性', 'Linear'],
  position_based: ['位置', 'Position-based'],
  time_decay: ['时间衰减', 'Time decay'],
};

type Touchpoint = { event: string; splitBy?: string };

function Form({ query, setQuery }: { query: Query; setQuery: (q: Query) => void }) {
  const { t, lang } = useI18n();
  const touchpoints = (query.touchpoints as Touchpoint[] | undefined) ?? [];
  return (
    <fieldset>
      <legend>{t('model.attribution')}</legend>
      <div className="row">
        <EventPicker
          label={lang === 'en' ? 'Conversion event' : '目标转化事件'}
          value={(query.targetEvent as { event: string } | undefined)?.event ?? 'loan_apply_submit'}
          onChange={(event) => setQuery({ ...query, targetEvent: { event } })}
        />
        <NumberField
          label={lang === 'en' ? 'Lookback (days)' : '回溯窗口（天）'}
          value={Number(query.lookbackDays ?? 7)}
          min={1}
          max={30}
          onChange={(lookbackDays) => setQuery({ ...query, lookbackDays })}
        />
      </div>
      {touchpoints.map((tp, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: touchpoints are addressed by index in the result.
        <div className="row" key={i}>
          <EventPicker
            label={`${lang === 'en' ? 'Touchpoint' : '触点'} ${i + 1}`}
            value={tp.event}
            onChange={(event) =>
              setQuery({ ...query, touchpoints: touchpoints.map((x, j) => (j === i ? { ...x, event } : x)) })
            }
          />
          <PropertyPicker
            label={`${lang === 'en' ? 'Split by' : '拆分属性'} ${i + 1}`}
            source="event"
            value={tp.splitBy ?? ''}
            allowNone={lang === 'en' ? 'No split' : '不拆分'}
            onChange={(splitBy) =>
              setQuery({
                ...query,
                touchpoints: touchpoints.map((x, j) =>
                  j === i ? { event: x.event, ...(splitBy ? { splitBy } : {}) } : x,
                ),
              })
            }
          />
          {touchpoints.length > 1 && (
            <button
              type="button"
              onClick={() => setQuery({ ...query, touchpoints: touchpoints.filter((_, j) => j !== i) })}
            >
              {t('q.remove')}
            </button>
          )}
        </div>
      ))}
      <button
        type="button"
        onClick={() => setQuery({ ...query, touchpoints: [...touchpoints, { event: 'banner_click' }] })}
      >
        {lang === 'en' ? 'Add touchpoint' : '添加触点'}
      </button>
      <AttributionLink query={query} setQuery={setQuery} />
    </fieldset>
  );
}

type Credits = AttributionResult['touchpoints'];
const tpKey = (tp: Credits[number]) => `${tp.touchpoint}|${tp.splitValue ?? ''}`;

function Result({ query, result, compact, previous }: ResultProps) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const r = result as AttributionResult;
  const p = previous?.result as AttributionResult | undefined;
  const en = lang === 'en';
  const groups = compact ? undefined : r.groups;
  // Grouped: the picker (and the address) says whose credits the models chart draws.
  const { picked, pick } = usePickedGroup(groups);
  const shown = picked ?? r;
  const overallName = en ? 'Overall' : '整体';
  const shownName = picked ? groupLabel(picked.group, lang) : overallName;
  const withValue = typeof query.valueProperty === 'string';
  const modelName = (m: string) => MODEL_NAMES[m]?.[lang === 'en' ? 1 : 0] ?? m;
  const tpName = (tp: Credits[number]) => (tp.splitValue ? `${tp.event}: ${tp.splitValue}` : tp.event);
  // One colour per touchpoint on both charts, whichever group is drawn (a group may lack one).
  const order = [...new Set([r, ...(groups ?? [])].flatMap((block) => block.touchpoints.map(tpKey)))];
  const colour = (tp: Credits[number]) => PALETTE[order.indexOf(tpKey(tp)) % PALETTE.length];
  const data = r.models.map((m) => {
    const row: Record<string, string | number> = { model: modelName(m) };
    shown.touchpoints.forEach((tp, i) => {
      row[`t${i}`] = tp.credits[m]?.conversions ?? 0;
    });
    return row;
  });
  // The credit table: the overall touchpoints, then each group's (so its CSV holds every group).
  const blocks: Array<[string | null, Credits]> = [
    [groups ? overallName : null, r.touchpoints],
    ...(groups ?? []).map((g): [string, Credits] => [groupLabel(g.group, lang), g.touchpoints]),
  ];
  return (
    <>
      <p data-testid="attribution-totals">
        {lang === 'en' ? 'Conversions' : '转化总数'} {i18n.exact(r.total.conversions)} ·{' '}
        {lang === 'en' ? 'attributed' : '有触点'} {i18n.exact(r.attributed.conversions)} ·{' '}
        {lang === 'en' ? 'no touchpoint in window' : '窗口内无触点'} {i18n.exact(r.unattributed.conversions)}
      </p>
      {previous && p && (
        <ComparisonTable
          filename="attribution-comparison.csv"
          currentRange={`${String(query.from)}~${String(query.to)}`}
          previousRange={`${previous.from}~${previous.to}`}
          figures={[
            {
              label: en ? 'Conversions' : '转化总数',
              current: r.total.conversions,
              previous: p.total.conversions,
            },
            {
              label: en ? 'Attributed' : '有触点',
              current: r.attributed.conversions,
              previous: p.attributed.conversions,
            },
            {
              label: en ? 'No touchpoint in window' : '窗口内无触点',
              current: r.unattributed.conversions,
              previous: p.unattributed.conversions,
            },
            ...(withValue
              ? [
                  {
                    label: en ? 'Conversion value' : '转化价值',
                    current: r.total.value,
                    previous: p.total.value,
                  },
                ]
              : []),
          ]}
        />
      )}
      {groups && (
        <>
          <DataTable
            caption={en ? 'Conversions per group' : '各分组转化'}
            filename="attribution-groups.csv"
            testId="attribution-groups"
            columns={[
              { header: t('col.group') },
              { header: en ? 'Conversions' : '转化总数', kind: 'number' },
              { header: en ? 'Attributed' : '有触点', kind: 'number' },
              { header: en ? 'No touchpoint in window' : '窗口内无触点', kind: 'number' },
              ...(withValue
                ? [
                    { header: en ? 'Conversion value' : '转化价值', kind: 'number' as const },
                    { header: en ? 'Attributed value' : '有触点转化价值', kind: 'number' as const },
                  ]
                : []),
            ]}
            rows={[r, ...groups].map((g) => [
              g === r ? overallName : groupLabel((g as AttributionGroup).group, lang),
              g.total.conversions,
              g.attributed.conversions,
              g.unattributed.conversions,
              ...(withValue ? [g.total.value, g.attributed.value] : []),
            ])}
          />
          <GroupCredits
            groups={groups}
            models={r.models}
            modelName={modelName}
            tpName={tpName}
            colour={colour}
          />
          <div className="row">
            <GroupPicker groups={groups} picked={picked} onPick={pick} />
          </div>
        </>
      )}
      <figure
        className="chart"
        aria-label={`${t('q.chart')}: ${t('model.attribution')}${groups ? ` (${shownName})` : ''}`}
      >
        <ResponsiveContainer width="100%" height={320}>
          <BarChart data={data}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="model" />
            <YAxis tickFormatter={i18n.compact} width={70} />
            <Tooltip formatter={(v) => i18n.exact(Number(v))} />
            <Legend />
            {shown.touchpoints.map((tp, i) => (
              <Bar
                key={tpKey(tp)}
                dataKey={`t${i}`}
                name={tpName(tp)}
                stackId="credit"
                fill={colour(tp)}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <DataTable
        caption={t('q.table')}
        filename="attribution.csv"
        testId="result-table"
        columns={[
          ...(groups ? [{ header: t('col.group') }] : []),
          { header: lang === 'en' ? 'Touchpoint' : '触点' },
          { header: lang === 'en' ? 'Touched conversions' : '触达转化数', kind: 'number' },
          ...r.models.map((m) => ({ header: modelName(m), kind: 'number' as const })),
        ]}
        rows={blocks.flatMap(([name, touchpoints]) =>
          touchpoints.map((tp) => [
            ...(name === null ? [] : [name]),
            tpName(tp),
            tp.touchedConversions,
            ...r.models.map((m) => tp.credits[m]?.conversions ?? 0),
          ]),
        )}
      />
    </>
  );
}

/** Stacked bars with one bar per group: the credits each touchpoint earns there under one model. */
function GroupCredits({
  groups,
  models,
  modelName,
  tpName,
  colour,
}: {
  groups: readonly AttributionGroup[];
  models: readonly string[];
  modelName: (m: string) => string;
  tpName: (tp: Credits[number]) => string;
  colour: (tp: Credits[number]) => string | undefined;
}) {
  const i18n = useI18n();
  const en = i18n.lang === 'en';
  const [model, setModel] = useState(models[0] ?? 'first_touch');
  // A group may lack a touchpoint (no credit there): the stacks are the union over the groups.
  const touchpoints = new Map<string, Credits[number]>();
  for (const g of groups)
    for (const tp of g.touchpoints) if (!touchpoints.has(tpKey(tp))) touchpoints.set(tpKey(tp), tp);
  const keys = [...touchpoints.keys()];
  const data = groups.map((g) => {
    const row: Record<string, string | number> = { group: groupLabel(g.group, i18n.lang) };
    for (const tp of g.touchpoints) row[`t${keys.indexOf(tpKey(tp))}`] = tp.credits[model]?.conversions ?? 0;
    return row;
  });
  return (
    <>
      <div className="row">
        <Choice
          label={en ? 'Model for the groups chart' : '分组图表的归因模型'}
          value={model}
          testId="group-credits-model"
          options={models.map((m) => [m, modelName(m)] as const)}
          onChange={setModel}
        />
      </div>
      <figure
        className="chart"
        data-testid="attribution-group-chart"
        aria-label={`${en ? 'Credited conversions per group' : '各分组触点贡献'}: ${modelName(model)}`}
      >
        <ResponsiveContainer width="100%" height={320}>
          <BarChart data={data}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="group" />
            <YAxis tickFormatter={i18n.compact} width={70} />
            <Tooltip formatter={(v) => i18n.exact(Number(v))} />
            <Legend />
            {keys.map((k, i) => (
              <Bar
                key={k}
                dataKey={`t${i}`}
                name={tpName(touchpoints.get(k)!)}
                stackId="credit"
                fill={colour(touchpoints.get(k)!)}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </figure>
    </>
  );
}

export const attributionView: ModelView = {
  defaults: () => ({
    targetEvent: { event: 'loan_apply_submit' },
    touchpoints: [{ event: 'banner_click', splitBy: 'banner_id' }, { event: 'loan_view' }],
    lookbackDays: 7,
  }),
  common: { granularity: false },
  Form,
  Result,
  isEmpty: (r) => (r as AttributionResult).total.conversions === 0,
};

export default function AttributionPage() {
  return <AnalysisFrame model="attribution" view={attributionView} />;
}
