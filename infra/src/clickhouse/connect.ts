// Creates the one kind of ClickHouse client every Tally service uses. The embedded engine
// (infra/src/chdb-server) and a real ClickHouse cluster are both reached through this, so no
// product code knows which one it talks to. Never reads the environment: callers pass config.
import { type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';

export interface ClickHouseConfig {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly database: string;
  /** Per-query wall-clock limit, seconds (ClickHouse `max_execution_time`). */
  readonly maxExecutionTimeS?: number;
  /** Client-side wait for one request (default 60 s); bulk jobs such as benchmark loads raise it. */
  readonly requestTimeoutMs?: number;
}

export function connectClickHouse(config: ClickHouseConfig): ClickHouseClient {
  return createClient({
    url: config.url,
    username: config.username,
    password: config.password,
    database: config.database,
    // Inserts are acknowledged to SDKs only after this call returns, so a hung engine must
    // surface as an error the collector can turn into a retryable 503, not a parked request.
    request_timeout: config.requestTimeoutMs ?? 60_000,
    compression: { request: false, response: false },
    // Failures reach callers as ClickHouseError values; the client's own error log would print
    // every expected one (a retried insert during an outage) a second time.
    log: { level: ClickHouseLogLevel.OFF },
    // Long parameter lists (the writer's uuid checks) go in a multipart body, not the URL.
    use_multipart_params_auto: true,
    clickhouse_settings: {
      // JSONEachRow output of UInt64/Int64 as numbers: person ids stay below 2^53 by design.
      output_format_json_quote_64bit_integers: 0,
      date_time_input_format: 'best_effort',
      ...(config.maxExecutionTimeS ? { max_execution_time: config.maxExecutionTimeS } : {}),
    },
  });
}

export type { ClickHouseClient };
