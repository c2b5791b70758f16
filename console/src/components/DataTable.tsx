// The numbers under every chart: a plain, labelled table (numbers right-aligned, exact values)
// with CSV export of the raw values. Cells carry data-value with the unformatted number so tests
// and screen readers can read exact figures.
import { useI18n } from '../i18n/i18n.tsx';
import { type Cell, downloadCsv, toCsv } from './csv.ts';

export interface Column {
  readonly header: string;
  /** 'number' cells are formatted exactly in the locale; 'percent' are ratios; 'change' signed
   *  relative changes (+12.3%); 'text' as is. */
  readonly kind?: 'text' | 'number' | 'percent' | 'seconds' | 'change';
}

export function DataTable({
  caption,
  columns,
  rows,
  filename,
  testId,
}: {
  caption: string;
  columns: readonly Column[];
  rows: readonly (readonly Cell[])[];
  filename: string;
  testId?: string;
}) {
  const i18n = useI18n();
  const show = (cell: Cell, kind: Column['kind']) => {
    if (cell === null || cell === undefined) return '–';
    if (typeof cell !== 'number') return cell;
    if (kind === 'percent') return i18n.percent(cell);
    if (kind === 'change') return i18n.change(cell);
    if (kind === 'seconds') return i18n.seconds(cell);
    return i18n.exact(cell);
  };
  return (
    <section className="table-wrap">
      <div className="table-tools">
        <button
          type="button"
          onClick={() =>
            downloadCsv(
              filename,
              toCsv(
                columns.map((c) => c.header),
                rows,
              ),
            )
          }
          data-testid="csv-export"
        >
          {i18n.t('q.csv')}
        </button>
      </div>
      <div className="table-scroll">
        <table data-testid={testId}>
          <caption>{caption}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.header} scope="col">
                  {c.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, r) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their position.
              <tr key={r}>
                {row.map((cell, c) => {
                  const kind = columns[c]?.kind ?? 'text';
                  return c === 0 ? (
                    // biome-ignore lint/suspicious/noArrayIndexKey: fixed column order.
                    <th key={c} scope="row">
                      {show(cell, kind)}
                    </th>
                  ) : (
                    <td
                      // biome-ignore lint/suspicious/noArrayIndexKey: fixed column order.
                      key={c}
                      className={kind === 'text' ? undefined : 'num'}
                      data-value={typeof cell === 'number' ? String(cell) : undefined}
                    >
                      {show(cell, kind)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
