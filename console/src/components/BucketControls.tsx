// How distribution analysis cuts customers into buckets, as controls: automatic (the API's nice
// steps), N equal-width ranges, or custom boundaries. Writes bucketMode / bucketCount /
// boundaries into the query and removes the ones the chosen mode does not use, so the body the
// API validates never carries a stale option.
import { useI18n } from '../i18n/i18n.tsx';
import { NumberListField } from './NumberListField.tsx';
import { Choice, NumberField } from './pickers.tsx';

type Query = Record<string, unknown>;
type Mode = 'auto' | 'equal_width' | 'custom';

export function BucketControls({ query, setQuery }: { query: Query; setQuery: (q: Query) => void }) {
  const { lang } = useI18n();
  const en = lang === 'en';
  const mode = String(query.bucketMode ?? 'auto') as Mode;
  const withMode = (next: Mode): Query => {
    const { bucketMode: _m, bucketCount: _c, boundaries: _b, ...rest } = query;
    if (next === 'auto') return rest;
    if (next === 'equal_width')
      return { ...rest, bucketMode: next, bucketCount: Number(query.bucketCount ?? 10) };
    return { ...rest, bucketMode: next, ...(query.boundaries ? { boundaries: query.boundaries } : {}) };
  };
  return (
    <>
      <Choice
        label={en ? 'Buckets' : '分桶方式'}
        value={mode}
        testId="bucket-mode"
        options={[
          ['auto', en ? 'Automatic' : '自动'],
          ['equal_width', en ? 'Equal width' : '等宽分桶'],
          ['custom', en ? 'Custom boundaries' : '自定义边界'],
        ]}
        onChange={(m) => setQuery(withMode(m))}
      />
      {mode === 'equal_width' && (
        <NumberField
          label={en ? 'Number of buckets' : '分桶数'}
          value={Number(query.bucketCount ?? 10)}
          min={1}
          max={50}
          onChange={(bucketCount) => setQuery({ ...query, bucketCount })}
        />
      )}
      {mode === 'custom' && (
        <NumberListField
          label={en ? 'Boundaries (ascending)' : '分桶边界（递增）'}
          value={query.boundaries as number[] | undefined}
          testId="bucket-boundaries"
          onChange={(boundaries) => {
            const { boundaries: _b, ...rest } = query;
            setQuery(boundaries ? { ...rest, boundaries } : rest);
          }}
        />
      )}
    </>
  );
}
