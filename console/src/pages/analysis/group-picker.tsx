// The group picker of models whose answer holds a whole block per group (a path diagram, a set of
// attribution credits): 整体 (the overall block) or one group, kept in the address (`&group=`, the
// group's values as JSON) so a link reproduces the view. It never changes the query -- every
// group's block is already in the answer -- and an unknown value in a pasted link means 整体.
import { useId } from 'react';
import { navigate, useLocation } from '../../app/router.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { groupLabel } from './chart-style.ts';

export type GroupValue = ReadonlyArray<string | null>;

const keyOf = (group: GroupValue) => JSON.stringify(group);

/** The group the address picks among `groups`, or null (整体) when it names none of them. */
export function usePickedGroup<T extends { group: GroupValue }>(
  groups: readonly T[] | undefined,
): { picked: T | null; pick: (group: T | null) => void } {
  const { path, search } = useLocation();
  const wanted = search.get('group');
  const picked = (wanted !== null && groups?.find((g) => keyOf(g.group) === wanted)) || null;
  const pick = (group: T | null) => {
    const params = new URLSearchParams(window.location.search);
    if (group) params.set('group', keyOf(group.group));
    else params.delete('group');
    const query = params.toString();
    navigate(query ? `${path}?${query}` : path, { replace: true });
  };
  return { picked, pick };
}

export function GroupPicker<T extends { group: GroupValue }>({
  groups,
  picked,
  onPick,
}: {
  groups: readonly T[];
  picked: T | null;
  onPick: (group: T | null) => void;
}) {
  const { lang } = useI18n();
  const en = lang === 'en';
  const id = useId();
  const index = picked ? groups.indexOf(picked) : -1;
  return (
    <span className="field">
      <label htmlFor={id}>{en ? 'Show group' : '查看分组'}</label>
      <select
        id={id}
        data-testid="group-picker"
        value={String(index)}
        onChange={(e) => {
          const i = Number(e.target.value);
          onPick(i >= 0 ? (groups[i] ?? null) : null);
        }}
      >
        <option value="-1">{en ? 'Overall' : '整体'}</option>
        {groups.map((g, i) => (
          <option key={keyOf(g.group)} value={String(i)}>
            {groupLabel(g.group, lang)}
          </option>
        ))}
      </select>
    </span>
  );
}
