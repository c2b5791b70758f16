// Filters as rows of property / operator / values, for event or user properties. Values are typed
// comma-separated; numbers stay numbers so numeric operators compare numerically; dates (before /
// after) are typed as the API reads them, e.g. 2026-03-02.
import type { Filter, FilterOp } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Choice, PropertyPicker } from './pickers.tsx';

const OPS: ReadonlyArray<readonly [FilterOp, string, string]> = [
  ['eq', '等于', 'equals'],
  ['neq', '不等于', 'not equal'],
  ['in', '属于', 'in'],
  ['not_in', '不属于', 'not in'],
  ['contains', '包含', 'contains'],
  ['not_contains', '不包含', 'does not contain'],
  ['gt', '大于', '>'],
  ['gte', '大于等于', '>='],
  ['lt', '小于', '<'],
  ['lte', '小于等于', '<='],
  ['between', '区间', 'between'],
  ['before', '早于', 'before'],
  ['after', '晚于', 'after'],
  ['is_set', '有值', 'is set'],
  ['not_set', '无值', 'is not set'],
];

const parseValues = (text: string): Array<string | number> =>
  text
    .split(/[,，]/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => (/^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s));

export function FilterEditor({
  filters,
  onChange,
  legend,
  sources = ['event', 'user'],
}: {
  filters: readonly Filter[];
  onChange: (filters: Filter[]) => void;
  legend: string;
  /** Where filter properties may come from (user property analysis: user only). */
  sources?: ReadonlyArray<'event' | 'user'>;
}) {
  const { t, lang } = useI18n();
  const set = (i: number, change: Partial<Filter>) =>
    onChange(filters.map((f, j) => (j === i ? ({ ...f, ...change } as Filter) : f)));
  return (
    <fieldset className="filters">
      <legend>{legend}</legend>
      {filters.map((f, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: filters are edited in place by position.
        <div className="row" key={i}>
          {sources.length > 1 && (
            <Choice
              label={lang === 'en' ? 'Source' : '属性来源'}
              value={f.source ?? 'event'}
              options={sources.map(
                (s) => [s, s === 'event' ? t('meta.eventProps') : t('meta.userProps')] as const,
              )}
              onChange={(source) => set(i, { source, property: '' })}
            />
          )}
          <PropertyPicker
            label={t('q.property')}
            source={f.source ?? 'event'}
            value={f.property}
            onChange={(property) => set(i, { property })}
          />
          <Choice
            label={t('q.operator')}
            value={f.op}
            options={OPS.map(([op, zh, en]) => [op, lang === 'en' ? en : zh] as const)}
            onChange={(op) => set(i, { op })}
          />
          {f.op !== 'is_set' && f.op !== 'not_set' && (
            <span className="field">
              <label>
                {t('q.value')}
                <input
                  // A date names its whole day: "before" ends at its start, "after" begins at its end.
                  placeholder={f.op === 'before' || f.op === 'after' ? 'YYYY-MM-DD [HH:MM:SS]' : undefined}
                  defaultValue={(f.values ?? []).join(',')}
                  onBlur={(e) => set(i, { values: parseValues(e.target.value) })}
                />
              </label>
            </span>
          )}
          <button type="button" onClick={() => onChange(filters.filter((_, j) => j !== i))}>
            {t('q.remove')}
          </button>
        </div>
      ))}
      <button
        type="button"
        onClick={() =>
          onChange([...filters, { source: sources[0] ?? 'event', property: '', op: 'eq', values: [] }])
        }
      >
        {t('q.addFilter')}
      </button>
    </fieldset>
  );
}
