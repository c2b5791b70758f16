// The customers behind one path node: the path query re-run with `listUsers` (same sessions, same
// top-N cut, so the same people the node counts); with a group picked, the node of that group's
// diagram (`listUsers.group`). The API answers up to 10,000 person ids in one
// list; the table pages through it here, and the API's result cache answers the repeat calls.
// Shown only to staff with analysis.export.
import { useId, useState } from 'react';
import type { PathResult } from '../../../../../analytics-api/src/models/path/schema.ts';
import { api } from '../../../api/client.ts';
import { useScope } from '../../../app/scope.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import type { Query } from '../model-view.ts';
import { PersonsTable } from '../PersonsTable.tsx';

const MAX_LISTED = 10_000;

export function PathPersons({
  query,
  diagram,
  group,
  nodeName,
}: {
  query: Query;
  /** The diagram on screen: the overall one, or the picked group's. */
  diagram: Pick<PathResult, 'nodes'>;
  /** The picked group's values (`listUsers.group`), null for the overall diagram. */
  group: ReadonlyArray<string | null> | null;
  nodeName: (key: string) => string;
}) {
  const { lang, exact } = useI18n();
  const en = lang === 'en';
  const scope = useScope();
  const id = useId();
  const [choice, setChoice] = useState(0);
  const [shown, setShown] = useState<number | null>(null);
  if (!scope.can('analysis.export') || diagram.nodes.length === 0) return null;
  const label = (n: PathResult['nodes'][number]) =>
    `${n.level}. ${nodeName(n.key)} (${exact(n.users)} ${en ? 'customers' : '人'})`;
  const node = shown === null ? undefined : diagram.nodes[shown];
  return (
    <section className="persons-picker" data-testid="path-persons">
      <h2>{en ? 'Show the customers behind a node' : '查看节点背后的用户'}</h2>
      <div className="row">
        <span className="field">
          <label htmlFor={id}>{en ? 'Node' : '节点'}</label>
          <select id={id} value={choice} onChange={(e) => setChoice(Number(e.target.value))}>
            {diagram.nodes.map((n, i) => (
              <option key={`${n.level}|${n.key}`} value={i}>
                {label(n)}
              </option>
            ))}
          </select>
        </span>
        <button type="button" onClick={() => setShown(choice)}>
          {en ? 'Show the customers' : '查看用户'}
        </button>
      </div>
      {node && (
        <PersonsTable
          key={`${JSON.stringify(group)}|${node.level}|${node.key}`}
          title={en ? `Customers at ${label(node)}` : `经过 ${label(node)} 的用户`}
          queryKey={[
            'analyses',
            String(query.appId ?? ''),
            'path/persons',
            query,
            group,
            node.level,
            node.key,
          ]}
          onClose={() => setShown(null)}
          withLoginIds={false}
          fetchPage={async (offset, limit, signal) => {
            const listUsers = {
              level: node.level,
              node: node.key,
              limit: MAX_LISTED,
              // The node of the picked group's diagram (its own top nodes, its own customers).
              ...(group ? { group: [...group] } : {}),
            };
            const body = { ...query, listUsers };
            const answer = await api<PathResult>('/v1/analysis/path', { method: 'POST', body, signal });
            const ids = answer.personIds ?? [];
            return {
              total: ids.length,
              persons: ids.slice(offset, offset + limit).map((personId) => ({ personId, loginId: null })),
            };
          }}
        />
      )}
    </section>
  );
}
