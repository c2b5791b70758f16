// Explicit loading / error / empty states for any query: loading offers "cancel" (aborts the
// request through React Query's signal), errors show the API's code and message with "retry".
import { type UseQueryResult, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiFailure } from '../api/client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { errorExplanation } from './error-explanation.ts';

export function QueryState<T>({
  query,
  queryKey,
  isEmpty,
  children,
}: {
  query: UseQueryResult<T>;
  queryKey: readonly unknown[];
  isEmpty?: (data: T) => boolean;
  children: (data: T) => ReactNode;
}) {
  const { t } = useI18n();
  const client = useQueryClient();
  const explain = (e: unknown) => errorExplanation(t, e);
  if (query.isFetching && !query.data)
    return (
      <div className="state" role="status" aria-live="polite">
        <span className="spinner" aria-hidden="true" /> {t('state.running')}{' '}
        <button type="button" onClick={() => client.cancelQueries({ queryKey })}>
          {t('state.cancel')}
        </button>
      </div>
    );
  if (query.isError) {
    const e = query.error;
    const notAvailable = e instanceof ApiFailure && e.status === 404 && e.code === 'NOT_FOUND';
    return (
      <div className="state error" role="alert">
        <strong>{notAvailable ? t('state.notAvailable') : t('state.error')}</strong>
        {!notAvailable && <p>{explain(e)}</p>}
        <button type="button" onClick={() => query.refetch()}>
          {t('state.retry')}
        </button>
      </div>
    );
  }
  if (query.data === undefined)
    return (
      <p className="state" role="status">
        {query.isPending && !query.isFetching ? t('state.cancelled') : t('state.loading')}
      </p>
    );
  if (isEmpty?.(query.data))
    return (
      <p className="state empty" role="status" data-testid="empty-state">
        {t('state.empty')}
      </p>
    );
  return <>{children(query.data)}</>;
}
