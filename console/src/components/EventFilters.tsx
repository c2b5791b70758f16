// Filters of one event (a metric, a funnel step): folded under a summary that says how many are
// set, so the builder stays short; <details> opens with the keyboard like any button.
import type { Filter } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { FilterEditor } from './FilterEditor.tsx';

export function EventFilters({
  name,
  filters,
  onChange,
}: {
  /** Which event these filters belong to, e.g. "指标 A" / "步骤 2". */
  name: string;
  filters: readonly Filter[] | undefined;
  onChange: (filters: Filter[] | undefined) => void;
}) {
  const { lang } = useI18n();
  const count = filters?.length ?? 0;
  const legend = lang === 'en' ? `Filters of ${name}` : `${name} 的筛选条件`;
  return (
    <details className="event-filters" open={count > 0}>
      <summary>
        {legend} ({count})
      </summary>
      <FilterEditor
        legend={legend}
        filters={filters ?? []}
        onChange={(f) => onChange(f.length ? f : undefined)}
      />
    </details>
  );
}
