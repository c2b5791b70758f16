// The time and memory limits every analysis statement runs under (the ten models, their customer
// lists and online now), from the API's configuration, and the one way such a statement is run:
// hitting a limit answers 422 QUERY_TOO_EXPENSIVE, never a 500; a statement nobody waits for any
// more is stopped in ClickHouse (ANALYSIS_CANCELLED), not left to run to its end. Plan settings
// live in engine-settings.ts.
import type { ClickHouseClient } from '@tally/infra/clickhouse';
import type { ApiConfig } from '../../config.ts';
import { ApiError } from '../../errors/catalogue.ts';
import { isQueryLimitError } from './query-limit-error.ts';

/** Memory ceiling per query unless configured: over it a query fails fast, not starving others. */
const DEFAULT_MAX_MEMORY_BYTES = 6 * 1024 ** 3;

/** ClickHouse settings capping one statement's run time and memory. */
export function queryLimitSettings(config: ApiConfig['clickhouse']) {
  const memoryCap = config.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES;
  return {
    max_execution_time: config.maxExecutionTimeS,
    max_memory_usage: String(memoryCap),
    // Large GROUP BYs and sorts (path and session state per customer over a long range) spill to
    // disk at half the cap instead of failing at the cap.
    max_bytes_before_external_group_by: String(Math.floor(memoryCap / 2)),
    max_bytes_before_external_sort: String(Math.floor(memoryCap / 2)),
  };
}

/** Runs one analysis statement under the limits and returns its rows (numbers as JSON numbers). */
export async function rowsUnderLimits<T>(
  clickhouse: ClickHouseClient,
  config: ApiConfig['clickhouse'],
  statement: {
    readonly sql: string;
    readonly params: Record<string, unknown>;
    readonly settings?: object;
    /** Aborted when no one wants the answer any more: the request is dropped and the statement stopped. */
    readonly unwanted?: AbortSignal;
  },
): Promise<T[]> {
  const { unwanted } = statement;
  if (unwanted?.aborted) throw new ApiError('ANALYSIS_CANCELLED');
  try {
    const result = await clickhouse.query({
      query: statement.sql,
      query_params: statement.params,
      format: 'JSONEachRow',
      ...(unwanted ? { abort_signal: unwanted } : {}),
      clickhouse_settings: {
        ...queryLimitSettings(config),
        ...statement.settings,
        output_format_json_quote_64bit_integers: 0,
        output_format_json_quote_64bit_floats: 0,
        // An analysis only reads: read-only, it can never write whatever its SQL, and only a
        // read-only HTTP query is cancelled when its client hangs up. Without the cancel setting
        // ClickHouse (and the embedded engine, which follows it) runs an abandoned read to its
        // end, holding a core for nobody.
        readonly: '2',
        cancel_http_readonly_queries_on_client_close: 1,
      },
    });
    return await result.json<T>();
  } catch (error) {
    if (unwanted?.aborted) throw new ApiError('ANALYSIS_CANCELLED');
    if (isQueryLimitError(error)) throw new ApiError('QUERY_TOO_EXPENSIVE');
    throw error;
  }
}
