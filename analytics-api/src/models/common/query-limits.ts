// The time and memory limits every analysis statement runs under (the ten models, their customer
// lists and online now), from the API's configuration, and the one way such a statement is run:
// hitting a limit answers 422 QUERY_TOO_EXPENSIVE, never a 500. Plan settings live in
// engine-settings.ts.
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
  statement: { readonly sql: string; readonly params: Record<string, unknown>; readonly settings?: object },
): Promise<T[]> {
  try {
    const result = await clickhouse.query({
      query: statement.sql,
      query_params: statement.params,
      format: 'JSONEachRow',
      clickhouse_settings: {
        ...queryLimitSettings(config),
        ...statement.settings,
        output_format_json_quote_64bit_integers: 0,
        output_format_json_quote_64bit_floats: 0,
      },
    });
    return await result.json<T>();
  } catch (error) {
    if (isQueryLimitError(error)) throw new ApiError('QUERY_TOO_EXPENSIVE');
    throw error;
  }
}
