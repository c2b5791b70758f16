// Paths (用户路径): session paths as a Sankey (one column per step; node = event, or event +
// property value when split), the links table with sessions and users, and drop-off per node.
// Grouped, the sessions per group and a picker that draws one group's own diagram instead.
import { useQuery } from '@tanstack/react-query';
import { ResponsiveContainer, Sankey, Tooltip } from 'recharts';
import type { PathGroup, PathResult } from '../../../../../analytics-api/src/models/path/schema.ts';
import { catalogEventsQuery } from '../../../api/queries.ts';
import { useScope } from '../../../app/scope.tsx';
import { ComparisonTable } from '../../../components/ComparisonTable.tsx';
import { DataTable } from '../../../components/DataTable.tsx';
import { Choice, EventPicker, NumberField } from '../../../components/pickers.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import { AnalysisFrame } from '../AnalysisFrame.tsx';
import { groupLabel } from '../chart-style.ts';
import { GroupPicker, usePickedGroup } from '../group-picker.tsx';
import type { ModelView, PreviousPeriod, Query, ResultProps } from '../model-view.ts';
import { PathOptions } from './path-options.tsx';
import { PathPersons } from './path-persons.tsx';

const nodeName = (key: string, names?: ReadonlyMap<string, string>) => {
  if (key === '$others') return '其他';
  const [event = key, value] = key.split('\u001f');
  const shown = names?.get(event) || event;
  return value === undefined ? shown : `${shown}: ${value}`;
};

/** A Sankey node with its label beside it (recharts draws bare rectangles by default). */
function LabelledNode(props: {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  payload?: { name?: string };
}) {
  const { x = 0, y = 0, width = 0, height = 0, payload } = props;
  return (
    <g>
      <rect x={x} y={y} width={width} height={height} fill="#0072B2" />
      <text x={x + width + 4} y={y + height / 2} fontSize={11} dominantBaseline="middle" fill="#1b1f24">
        {payload?.name}
      </text>
    </g>
  );
}

function Form({ query, setQuery }: { query: Query; setQuery: (q: Query) => void }) {
  const { t, lang } = useI18n();
  const anchor = String(query.anchor ?? 'all') as 'all' | 'start' | 'end';
  return (
    <fieldset>
      <legend>{t('model.path')}</legend>
      <div className="row">
        <Choice
          label={lang === 'en' ? 'Anchor' : '路径方向'}
          value={anchor}
          options={[
            ['all', lang === 'en' ? 'All paths' : '全部路径'],
            ['start', lang === 'en' ? 'Starting at event' : '从事件开始'],
            ['end', lang === 'en' ? 'Ending at event' : '以事件结束'],
          ]}
          onChange={(a) =>
            setQuery({
              ...query,
              anchor: a,
              ...(a === 'all'
                ? { anchorEvent: undefined }
                : { anchorEvent: query.anchorEvent ?? { event: '$AppStart' } }),
            })
          }
        />
        {anchor !== 'all' && (
          <EventPicker
            label={t('q.event')}
            value={(query.anchorEvent as { event: string } | undefined)?.event ?? '$AppStart'}
            onChange={(event) => setQuery({ ...query, anchorEvent: { event } })}
          />
        )}
        <NumberField
          label={lang === 'en' ? 'Depth' : '深度'}
          value={Number(query.depth ?? 5)}
          min={2}
          max={10}
          onChange={(depth) => setQuery({ ...query, depth })}
        />
        <NumberField
          label={lang === 'en' ? 'Nodes per step' : '每步节点数'}
          value={Number(query.nodesPerLevel ?? 8)}
          min={1}
          max={50}
          onChange={(nodesPerLevel) => setQuery({ ...query, nodesPerLevel })}
        />
      </div>
      <PathOptions query={query} setQuery={setQuery} />
    </fieldset>
  );
}

/** The compared period's sessions per node of the same diagram (overall, or the same group), by
 *  level and key; null when there is nothing to compare with. "$others" groups hold different
 *  groups in each period, so they are not compared. */
function earlierSessions(previous: PreviousPeriod | undefined, group: PathGroup | null) {
  if (!previous) return null;
  const p = previous.result as PathResult;
  const diagram = group
    ? group.group.includes('$others')
      ? undefined
      : p.groups?.find((g) => JSON.stringify(g.group) === JSON.stringify(group.group))
    : p;
  return new Map((diagram?.nodes ?? []).map((n) => [`${n.level}|${n.key}`, n.sessions]));
}

function Result({ query, result, compact, previous }: ResultProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const en = i18n.lang === 'en';
  const r = result as PathResult;
  // Grouped: one diagram per group beside the overall one; the picker (and the address) says
  // which is drawn. A dashboard card always draws the overall diagram.
  const { picked, pick } = usePickedGroup(compact ? undefined : r.groups);
  const diagram: PathGroup | PathResult = picked ?? r;
  const before = earlierSessions(previous, picked);
  const { appId } = useScope();
  const catalog = useQuery(catalogEventsQuery(appId)).data ?? [];
  const names = new Map(catalog.map((e) => [e.name, e.displayName]));
  const index = new Map<string, number>();
  const nodes = diagram.nodes.map((n, i) => {
    index.set(`${n.level}|${n.key}`, i);
    return { name: `${n.level}. ${nodeName(n.key, names)}` };
  });
  const links = diagram.links
    .map((l) => ({
      source: index.get(`${l.level}|${l.source}`),
      target: index.get(`${l.level + 1}|${l.target}`),
      value: l.sessions,
    }))
    .filter(
      (l): l is { source: number; target: number; value: number } =>
        l.source !== undefined && l.target !== undefined && l.value > 0,
    );
  const shownName = picked ? groupLabel(picked.group, i18n.lang) : en ? 'Overall' : '整体';
  return (
    <>
      {!compact && r.groups && (
        <>
          <DataTable
            caption={en ? 'Paths per group' : '各分组路径'}
            filename="path-groups.csv"
            testId="path-groups"
            columns={[
              { header: t('col.group') },
              { header: en ? 'Sessions' : '会话数', kind: 'number' },
              { header: t('col.users'), kind: 'number' },
            ]}
            rows={[
              [en ? 'Overall' : '整体', r.sessions, r.users],
              ...r.groups.map((g) => [groupLabel(g.group, i18n.lang), g.sessions, g.users]),
            ]}
          />
          <div className="row">
            <GroupPicker groups={r.groups} picked={picked} onPick={pick} />
          </div>
        </>
      )}
      {links.length > 0 && (
        <figure className="chart" aria-label={`${t('path.sankey')} (${shownName}): ${links.length}`}>
          <ResponsiveContainer width="100%" height={420}>
            <Sankey
              data={{ nodes, links }}
              nodePadding={18}
              link={{ stroke: '#56B4E9' }}
              node={<LabelledNode />}
              margin={{ right: 160 }}
            >
              <Tooltip formatter={(v) => i18n.exact(Number(v))} />
            </Sankey>
          </ResponsiveContainer>
        </figure>
      )}
      <DataTable
        caption={r.groups ? `${t('q.table')} (${shownName})` : t('q.table')}
        filename="path-links.csv"
        testId="result-table"
        columns={[
          { header: t('col.from') },
          { header: t('col.to') },
          { header: en ? 'Sessions' : '会话数', kind: 'number' },
          { header: t('col.users'), kind: 'number' },
        ]}
        rows={diagram.links.map((l) => [
          `${l.level}. ${nodeName(l.source, names)}`,
          `${l.level + 1}. ${nodeName(l.target, names)}`,
          l.sessions,
          l.users,
        ])}
      />
      {!compact && (
        <DataTable
          caption={r.groups ? `${en ? 'Nodes' : '节点'} (${shownName})` : en ? 'Nodes' : '节点'}
          filename="path-nodes.csv"
          testId="path-nodes"
          columns={[
            { header: en ? 'Node' : '节点' },
            { header: en ? 'Sessions' : '会话数', kind: 'number' },
            { header: t('col.users'), kind: 'number' },
            { header: t('col.dropOff'), kind: 'number' },
          ]}
          rows={diagram.nodes.map((n) => [
            `${n.level}. ${nodeName(n.key, names)}`,
            n.sessions,
            n.users,
            n.dropOff,
          ])}
        />
      )}
      {previous && before && (
        <ComparisonTable
          caption={`${en ? 'Sessions per node' : '节点会话数'}${r.groups ? ` (${shownName})` : ''}: ${t('cmp.table')}`}
          filename="path-nodes-comparison.csv"
          currentRange={`${String(query.from)}~${String(query.to)}`}
          previousRange={`${previous.from}~${previous.to}`}
          figures={diagram.nodes.map((n) => ({
            label: `${n.level}. ${nodeName(n.key, names)}`,
            current: n.sessions,
            // Not among the compared period's top nodes (or under "$others" there): unknown, not 0.
            // "Others" holds a different set of events in each period, so it is not compared.
            previous: n.key === '$others' ? null : (before.get(`${n.level}|${n.key}`) ?? null),
          }))}
        />
      )}
      {!compact && (
        <PathPersons
          // A picked group has other nodes: the node choice starts again.
          key={JSON.stringify(picked?.group ?? null)}
          query={query}
          diagram={diagram}
          group={picked?.group ?? null}
          nodeName={(key) => nodeName(key, names)}
        />
      )}
    </>
  );
}

export const pathView: ModelView = {
  defaults: () => ({ anchor: 'all', depth: 5, nodesPerLevel: 8, excludeEvents: ['$AppEnd'] }),
  common: { granularity: false },
  Form,
  Result,
  isEmpty: (r) => (r as PathResult).nodes.length === 0,
};

export default function PathPage() {
  return <AnalysisFrame model="path" view={pathView} />;
}
