// The page for models whose dedicated view has not been written yet (user properties): the query is edited as JSON (with a sensible default), the result's
// lists of records become tables, and the first one is also drawn as bars (histogram-like for
// bucketed results). Replace with a dedicated view as each model's schema settles.
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Cell } from '../../../components/csv.ts';
import { DataTable } from '../../../components/DataTable.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import { AnalysisFrame } from '../AnalysisFrame.tsx';
import type { ModelView, Query } from '../model-view.ts';

type Rec = Record<string, unknown>;

/** Every array of plain records in the result, with a dotted path for its caption. */
function recordLists(value: unknown, path = ''): Array<{ path: string; rows: Rec[] }> {
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every((v) => v && typeof v === 'object' && !Array.isArray(v)))
      return [{ path, rows: value as Rec[] }];
    return [];
  }
  if (value && typeof value === 'object')
    return Object.entries(value as Rec)
      .filter(([k]) => k !== 'meta')
      .flatMap(([k, v]) => recordLists(v, path ? `${path}.${k}` : k));
  return [];
}

const cellOf = (v: unknown): Cell =>
  typeof v === 'number' || typeof v === 'string' || v === null ? v : v === undefined ? '' : JSON.stringify(v);

function Result({ result }: { query: Query; result: unknown }) {
  const i18n = useI18n();
  const lists = recordLists(result);
  const first = lists[0];
  const keys = first ? Object.keys(first.rows[0]!) : [];
  const labelKey = keys.find((k) => typeof first?.rows[0]?.[k] === 'string');
  const valueKey = keys.find((k) => typeof first?.rows[0]?.[k] === 'number' && k !== labelKey);
  return (
    <>
      {first && labelKey && valueKey && (
        <figure className="chart" aria-label={`${i18n.t('q.chart')}: ${first.path}`}>
          <ResponsiveContainer width="100%" height={300}>
            <BarChart data={first.rows}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey={labelKey} />
              <YAxis tickFormatter={i18n.compact} width={70} />
              <Tooltip formatter={(v) => i18n.exact(Number(v))} />
              <Bar dataKey={valueKey} name={valueKey} fill="#0072B2" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </figure>
      )}
      {lists.map((list, i) => {
        const columns = Object.keys(list.rows[0]!);
        return (
          <DataTable
            key={list.path}
            caption={list.path}
            filename={`${list.path || 'result'}.csv`}
            testId={i === 0 ? 'result-table' : undefined}
            columns={columns.map((c) => ({
              header: c,
              kind: typeof list.rows[0]![c] === 'number' ? ('number' as const) : ('text' as const),
            }))}
            rows={list.rows.map((r) => columns.map((c) => cellOf(r[c])))}
          />
        );
      })}
      {lists.length === 0 && <pre className="raw">{JSON.stringify(result, null, 2)}</pre>}
    </>
  );
}

export function genericView(defaults: Query, common: ModelView['common'] = {}): ModelView {
  return { defaults: () => defaults, common, Result, isEmpty: (r) => recordLists(r).length === 0 };
}

const DEFAULTS: Record<string, Query> = {
  'user-properties': { granularity: 'total' },
};

const VIEWS: Record<string, ModelView> = Object.fromEntries(
  Object.entries(DEFAULTS).map(([model, defaults]) => [model, genericView(defaults)]),
);

export function GenericPage({ model }: { model: string }) {
  return <AnalysisFrame model={model} view={VIEWS[model] ?? genericView({})} />;
}

export const UserPropertiesPage = () => <GenericPage model="user-properties" />;
