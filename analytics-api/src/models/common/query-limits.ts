// The time and memory limits every analysis statement runs under (the ten models, their customer
// lists and online now), from the API's configuration. Holds limits only; plan settings live in
// engine-settings.ts.
import type { ApiConfig } from '../../config.ts';

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
