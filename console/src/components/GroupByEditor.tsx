// Group-by as controls: up to `max` properties (event or user), each numeric one optionally cut
// into buckets at boundaries the staff type in (the API's `groupBy[].buckets`). The catalog says
// which properties are numeric; without a catalog the boundaries box is offered for every one.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { catalogPropertiesQuery } from '../api/queries.ts';
import type { GroupBy } from '../api/types.ts';
import { useScope } from '../app/scope.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { NumberListField } from './NumberListField.tsx';
import { Choice, PropertyPicker } from './pickers.tsx';

type Source = 'event' | 'user';

function GroupByRow({
  index,
  entry,
  sources,
  onChange,
}: {
  index: number;
  entry: GroupBy | undefined;
  sources: readonly Source[];
  onChange: (entry: GroupBy | undefined) => void;
}) {
  const { t, lang } = useI18n();
  const en = lang === 'en';
  const { appId } = useScope();
  // The source picked before any property (the entry does not exist yet) must stick, or the
  // user properties could never be offered on an empty row.
  const [chosen, setChosen] = useState<Source>(sources[0]!);
  const source = entry?.source ?? chosen;
  const catalog = useQuery(catalogPropertiesQuery(appId, source)).data ?? [];
  const known = catalog.find((p) => p.name === entry?.property);
  const numeric = entry !== undefined && (known ? known.type === 'number' : catalog.length === 0);
  const suffix = index > 0 ? ` ${index + 1}` : '';
  return (
    <div className="row">
      {sources.length > 1 && (
        <Choice
          label={`${en ? 'Source' : '属性来源'}${suffix}`}
          value={source}
          options={sources.map(
            (s) => [s, s === 'event' ? t('meta.eventProps') : t('meta.userProps')] as const,
          )}
          onChange={(s) => {
            setChosen(s);
            if (entry) onChange({ source: s, property: entry.property });
          }}
        />
      )}
      <PropertyPicker
        label={`${t('q.groupBy')}${suffix}`}
        source={source}
        value={entry?.property ?? ''}
        allowNone={t('q.noGroup')}
        onChange={(property) => onChange(property ? { source, property } : undefined)}
      />
      {numeric && (
        <NumberListField
          // A new property starts with an empty box.
          key={`${source}.${entry?.property}`}
          label={`${en ? 'Buckets: boundaries (empty = each value)' : '数值分桶边界（留空 = 按原值）'}${suffix}`}
          value={entry?.buckets}
          testId={`group-buckets-${index}`}
          onChange={(buckets) =>
            onChange(
              entry ? { source, property: entry.property, ...(buckets ? { buckets } : {}) } : undefined,
            )
          }
        />
      )}
    </div>
  );
}

export function GroupByEditor({
  value,
  onChange,
  sources = ['event', 'user'],
  max = 1,
}: {
  value: readonly GroupBy[] | undefined;
  onChange: (groupBy: GroupBy[] | undefined) => void;
  sources?: readonly Source[];
  max?: 1 | 2;
}) {
  const { t } = useI18n();
  const entries = value ?? [];
  // One row per entry, plus an empty one to add the next (up to max).
  const rows = Math.min(max, entries.length + 1);
  const set = (i: number, entry: GroupBy | undefined) => {
    const next = [...entries];
    if (entry) next[i] = entry;
    else next.splice(i);
    onChange(next.length ? next : undefined);
  };
  return (
    <fieldset>
      <legend>{t('q.groupBy')}</legend>
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: group-by entries are positional.
        <GroupByRow key={i} index={i} entry={entries[i]} sources={sources} onChange={(e) => set(i, e)} />
      ))}
    </fieldset>
  );
}
