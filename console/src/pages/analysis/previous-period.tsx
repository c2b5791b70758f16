// The second run of an analysis page: the same body over the comparison period, as its own React
// Query (the key holds the shifted from/to, so both periods are cached and each is cancelled on
// its own), and the explicit state of that run (running with cancel, error with retry). It never
// changes anything in the body but the dates, so both periods count by exactly the same rules.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { ApiFailure } from '../../api/client.ts';
import { analysisQuery } from '../../api/queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { type Comparison, comparisonRange, type DateRange } from './comparison.ts';
import type { PreviousPeriod, Query } from './model-view.ts';

export function usePreviousPeriod(model: string, body: Query | null, choice: Comparison | null) {
  const range = useMemo<DateRange | null>(() => {
    if (!body || !choice || typeof body.from !== 'string' || typeof body.to !== 'string') return null;
    return comparisonRange({ from: body.from, to: body.to }, choice);
  }, [body, choice]);
  const previousBody = useMemo<Query | null>(
    () => (body && range ? { ...body, from: range.from, to: range.to } : null),
    [body, range],
  );
  const options = analysisQuery(model, previousBody);
  const query = useQuery(options);
  const previous: PreviousPeriod | undefined =
    range && query.data !== undefined && !query.isError
      ? { result: query.data, from: range.from, to: range.to }
      : undefined;
  return { range, query, queryKey: options.queryKey, previous };
}

/** A line above the result while the comparison period runs or when it failed. */
export function PreviousPeriodState({ state }: { state: ReturnType<typeof usePreviousPeriod> }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const { range, query, queryKey } = state;
  if (!range) return null;
  const label = `${t('cmp.prev')} ${range.from}~${range.to}`;
  if (query.isError) {
    const e = query.error;
    return (
      <div className="state error" role="alert" data-testid="comparison-error">
        <strong>{t('cmp.error')}</strong> ({label})
        <p>{e instanceof ApiFailure ? `${e.code}: ${e.message}` : String(e)}</p>
        <button type="button" onClick={() => query.refetch()}>
          {t('state.retry')}
        </button>
      </div>
    );
  }
  if (query.isFetching)
    return (
      <div className="state" role="status" aria-live="polite" data-testid="comparison-running">
        <span className="spinner" aria-hidden="true" /> {t('cmp.running')} ({label}){' '}
        <button type="button" onClick={() => client.cancelQueries({ queryKey })}>
          {t('state.cancel')}
        </button>
      </div>
    );
  if (query.data === undefined)
    return (
      <p className="state" role="status">
        {t('state.cancelled')} ({label}){' '}
        <button type="button" onClick={() => query.refetch()}>
          {t('state.retry')}
        </button>
      </p>
    );
  return (
    <p className="small" data-testid="comparison-range">
      {label}
    </p>
  );
}
