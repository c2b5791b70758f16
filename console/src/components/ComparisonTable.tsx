// Headline figures of two periods side by side: the figure, this period's value, the compared
// period's value and the relative change, each row formatted by its own kind (counts, seconds,
// ratios), with CSV export of the raw values. It never computes a figure itself: the model page
// hands it both periods' numbers as the API answered them.

import { useI18n } from '../i18n/i18n.tsx';
import { relativeChange } from '../pages/analysis/comparison.ts';
import { downloadCsv, toCsv } from './csv.ts';
import type { Column } from './DataTable.tsx';

export interface ComparedFigure {
  readonly label: string;
  readonly current: number | null;
  readonly previous: number | null;
  readonly kind?: Column['kind'];
}

export function ComparisonTable({
  figures,
  currentRange,
  previousRange,
  filename,
  caption,
}: {
  figures: readonly ComparedFigure[];
  currentRange: string;
  previousRange: string;
  filename: string;
  caption?: string;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const show = (v: number | null, kind: Column['kind']) =>
    kind === 'percent' ? i18n.percent(v) : kind === 'seconds' ? i18n.seconds(v) : i18n.exact(v);
  const headers = [
    t('cmp.figure'),
    `${t('cmp.current')} (${currentRange})`,
    `${t('cmp.prev')} (${previousRange})`,
    t('cmp.change'),
  ];
  const rows = figures.map((f) => ({ ...f, change: relativeChange(f.current, f.previous) }));
  return (
    <section className="table-wrap">
      <div className="table-tools">
        <button
          type="button"
          data-testid="csv-export"
          onClick={() =>
            downloadCsv(
              filename,
              toCsv(
                headers,
                rows.map((r) => [r.label, r.current, r.previous, r.change]),
              ),
            )
          }
        >
          {t('q.csv')}
        </button>
      </div>
      <div className="table-scroll">
        <table data-testid="comparison-table">
          <caption>{caption ?? t('cmp.table')}</caption>
          <thead>
            <tr>
              {headers.map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.label}>
                <th scope="row">{r.label}</th>
                <td className="num" data-value={r.current === null ? undefined : String(r.current)}>
                  {show(r.current, r.kind)}
                </td>
                <td className="num" data-value={r.previous === null ? undefined : String(r.previous)}>
                  {show(r.previous, r.kind)}
                </td>
                <td className="num" data-value={r.change === null ? undefined : String(r.change)}>
                  {i18n.change(r.change)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
