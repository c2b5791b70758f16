// Attribution (归因分析): a conversion event, touchpoints (optionally split by a property such as
// banner id), lookback; stacked bars per attribution model (each stack = the touchpoints' credit),
// a table of credited conversions per touchpoint and model, and the unattributed conversions.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AttributionResult } from '../../../../../analytics-api/src/models/attribution/schema.ts';
import { ComparisonTable } from '../../../components/ComparisonTable.tsx';
import { DataTable } from '../../../components/DataTable.tsx';
import { EventPicker, NumberField, PropertyPicker } from '../../../components/pickers.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import { AnalysisFrame } from '../AnalysisFrame.tsx';
import { PALETTE } from '../chart-style.ts';
import type { ModelView, PreviousPeriod, Query } from '../model-view.ts';
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

function Result({ query, result, previous }: { query: Query; result: unknown; previous?: PreviousPeriod }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const r = result as AttributionResult;
  const p = previous?.result as AttributionResult | undefined;
  const en = lang === 'en';
  const modelName = (m: string) => MODEL_NAMES[m]?.[lang === 'en' ? 1 : 0] ?? m;
  const tpName = (tp: AttributionResult['touchpoints'][number]) =>
    tp.splitValue ? `${tp.event}: ${tp.splitValue}` : tp.event;
  const data = r.models.map((m) => {
    const row: Record<string, string | number> = { model: modelName(m) };
    r.touchpoints.forEach((tp, i) => {
      row[`t${i}`] = tp.credits[m]?.conversions ?? 0;
    });
    return row;
  });
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
            ...(typeof query.valueProperty === 'string'
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
      <figure className="chart" aria-label={`${t('q.chart')}: ${t('model.attribution')}`}>
        <ResponsiveContainer width="100%" height={320}>
          <BarChart data={data}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="model" />
            <YAxis tickFormatter={i18n.compact} width={70} />
            <Tooltip formatter={(v) => i18n.exact(Number(v))} />
            <Legend />
            {r.touchpoints.map((tp, i) => (
              <Bar
                key={`${tp.touchpoint}-${tp.splitValue}`}
                dataKey={`t${i}`}
                name={tpName(tp)}
                stackId="credit"
                fill={PALETTE[i % PALETTE.length]}
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
          { header: lang === 'en' ? 'Touchpoint' : '触点' },
          { header: lang === 'en' ? 'Touched conversions' : '触达转化数', kind: 'number' },
          ...r.models.map((m) => ({ header: modelName(m), kind: 'number' as const })),
        ]}
        rows={r.touchpoints.map((tp) => [
          tpName(tp),
          tp.touchedConversions,
          ...r.models.map((m) => tp.credits[m]?.conversions ?? 0),
        ])}
      />
    </>
  );
}

export const attributionView: ModelView = {
  defaults: () => ({
    targetEvent: { event: 'loan_apply_submit' },
    touchpoints: [{ event: 'banner_click', splitBy: 'banner_id' }, { event: 'loan_view' }],
    lookbackDays: 7,
  }),
  common: { granularity: false, groupBy: false },
  Form,
  Result,
  isEmpty: (r) => (r as AttributionResult).total.conversions === 0,
};

export default function AttributionPage() {
  return <AnalysisFrame model="attribution" view={attributionView} />;
}
