// "Show the users": the customers behind a funnel step or a path node as a paged table. The
// customer number is shown masked (first and last four characters, the API's id-card rule) so a
// screen or screenshot never carries whole customer numbers; the internal person id is kept for
// look-ups. Only rendered for staff holding analysis.export (the API refuses the others anyway).
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { maskValue } from '../../../../analytics-api/src/masking/mask-value.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export const PAGE_SIZE = 20;

export interface PersonsPage {
  readonly total: number;
  readonly persons: ReadonlyArray<{ personId: string; loginId: string | null }>;
}

export function PersonsTable({
  title,
  queryKey,
  fetchPage,
  onClose,
  withLoginIds = true,
}: {
  title: string;
  /** False when the API lists person ids only (paths): no customer number column. */
  withLoginIds?: boolean;
  /** Identifies the list (model, query, step / node); the page offset is added to it. */
  queryKey: readonly unknown[];
  fetchPage: (offset: number, limit: number, signal: AbortSignal) => Promise<PersonsPage>;
  onClose: () => void;
}) {
  const { lang, exact } = useI18n();
  const en = lang === 'en';
  const [offset, setOffset] = useState(0);
  const key = [...queryKey, offset];
  const page = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => fetchPage(offset, PAGE_SIZE, signal),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    retry: false,
  });
  const total = page.data?.total ?? 0;
  const last = Math.min(offset + PAGE_SIZE, total);
  return (
    <section className="persons" aria-label={title} data-testid="persons">
      <div className="row">
        <h2>{title}</h2>
        <button type="button" onClick={onClose}>
          {en ? 'Close list' : '关闭用户列表'}
        </button>
      </div>
      <QueryState query={page} queryKey={key} isEmpty={(d) => d.total === 0}>
        {(data) => (
          <>
            <p className="small" role="status" data-testid="persons-range">
              {en
                ? `${exact(offset + 1)}–${exact(last)} of ${exact(total)} customers`
                : `第 ${exact(offset + 1)}–${exact(last)} 位，共 ${exact(total)} 位用户`}
            </p>
            <DataTable
              caption={title}
              filename="customers.csv"
              testId="persons-table"
              columns={[
                { header: '#' },
                ...(withLoginIds ? [{ header: en ? 'Customer number (masked)' : '客户号（脱敏）' }] : []),
                { header: en ? 'Person id' : '用户 ID' },
              ]}
              rows={data.persons.map((p, i) => [
                String(offset + i + 1),
                ...(withLoginIds
                  ? [
                      p.loginId
                        ? maskValue('id_card', p.loginId)
                        : en
                          ? '(never logged in)'
                          : '（未登录设备）',
                    ]
                  : []),
                p.personId,
              ])}
            />
            <div className="row">
              <button
                type="button"
                disabled={offset === 0}
                onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
              >
                {en ? 'Previous page' : '上一页'}
              </button>
              <button
                type="button"
                disabled={last >= total}
                onClick={() => setOffset(offset + PAGE_SIZE)}
                data-testid="persons-next"
              >
                {en ? 'Next page' : '下一页'}
              </button>
            </div>
          </>
        )}
      </QueryState>
    </section>
  );
}
