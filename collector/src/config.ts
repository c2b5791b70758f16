// The collector's configuration: the one module that reads process.env, once, at boot. Both
// entries (main.ts: the HTTP collector, ingest-worker.ts: the Kafka consumer) use it.
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parseSecretKeys, type SecretKey } from '@tally/analytics-api/config';

const Env = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8600 }),
  HOST: Type.String({ default: '127.0.0.1' }),
  INGEST_MODE: Type.Union([Type.Literal('embedded'), Type.Literal('kafka')], { default: 'embedded' }),
  CLICKHOUSE_URL: Type.String({ default: 'http://127.0.0.1:8123' }),
  CLICKHOUSE_USER: Type.String({ default: 'tally' }),
  CLICKHOUSE_PASSWORD: Type.String({ default: '' }),
  CLICKHOUSE_DATABASE: Type.String({ default: 'tally' }),
  MYSQL_URL: Type.String({ default: 'mysql://tally:tally@127.0.0.1:3307/tally' }),
  KAFKA_BROKERS: Type.String({ default: '' }),
  KAFKA_TOPIC: Type.String({ default: 'tally.events' }),
  KAFKA_DLQ_TOPIC: Type.String({ default: 'tally.events.dlq' }),
  KAFKA_CLIENT_ID: Type.String({ default: 'tally-collector' }),
  KAFKA_GROUP_ID: Type.String({ default: 'tally-ingest' }),
  KAFKA_SESSION_TIMEOUT_MS: Type.Integer({ minimum: 6000, default: 30_000 }),
  /** The analytics API's keys (same variables): sensitive properties are encrypted with them. */
  TALLY_SECRET_KEYS: Type.String({ default: '' }),
  TALLY_SECRET_KEY: Type.String({ default: '' }),
  TALLY_IDENTIFIER_KEY_ID: Type.String({ default: '' }),
  TRUST_PROXY: Type.Boolean({ default: false }),
  TLS_CERT_FILE: Type.String({ default: '' }),
  TLS_KEY_FILE: Type.String({ default: '' }),
  MAX_BODY_BYTES: Type.Integer({ minimum: 1024, default: 1024 * 1024 }),
  MAX_DECOMPRESSED_BYTES: Type.Integer({ minimum: 1024, default: 5 * 1024 * 1024 }),
  MAX_EVENTS_PER_BATCH: Type.Integer({ minimum: 1, default: 1000 }),
  GROUP_COMMIT_DELAY_MS: Type.Integer({ minimum: 0, default: 20 }),
  GROUP_COMMIT_MAX_ROWS: Type.Integer({ minimum: 1, default: 20_000 }),
  MAX_PENDING_ROWS: Type.Integer({ minimum: 1, default: 200_000 }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
});

export interface CollectorConfig {
  readonly port: number;
  readonly host: string;
  readonly ingestMode: 'embedded' | 'kafka';
  readonly clickhouse: {
    readonly url: string;
    readonly username: string;
    readonly password: string;
    readonly database: string;
  };
  readonly mysqlUrl: string;
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly topic: string;
    readonly deadLetterTopic: string;
    readonly clientId: string;
    readonly groupId: string;
    /** How long a dead worker keeps its partitions before the group rebalances. */
    readonly sessionTimeoutMs: number;
  };
  /**
   * Keys for sensitive properties, newest first; empty when none is set (then an app with marked
   * fields cannot be written: the writer refuses rather than store them in clear).
   */
  readonly secretKeys: readonly SecretKey[];
  readonly identifierKeyId: string;
  readonly trustProxy: boolean;
  readonly tls: { readonly certFile: string; readonly keyFile: string } | null;
  readonly limits: {
    readonly maxBodyBytes: number;
    readonly maxDecompressedBytes: number;
    readonly maxEventsPerBatch: number;
  };
  readonly groupCommit: {
    readonly maxDelayMs: number;
    readonly maxGroupRows: number;
    readonly maxPendingRows: number;
  };
  readonly logLevel: string;
}

export function loadCollectorConfig(env: NodeJS.ProcessEnv = process.env): CollectorConfig {
  const raw = Value.Convert(Env, Value.Default(Env, pickDefined(env))) as Static<typeof Env>;
  const errors = [...Value.Errors(Env, raw)];
  if (errors.length > 0) {
    const first = errors[0]!;
    throw new Error(
      `collector configuration: ${first.path.slice(1)} ${first.message} (got "${String(first.value)}")`,
    );
  }
  if (raw.INGEST_MODE === 'kafka' && !raw.KAFKA_BROKERS)
    throw new Error('KAFKA_BROKERS is required when INGEST_MODE=kafka');
  if (Boolean(raw.TLS_CERT_FILE) !== Boolean(raw.TLS_KEY_FILE)) {
    throw new Error('TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  }
  const secretKeys = parseSecretKeys(
    raw.TALLY_SECRET_KEYS || (raw.TALLY_SECRET_KEY ? `k1:${raw.TALLY_SECRET_KEY}` : ''),
  );
  // Same default as the API (the oldest key), so both compute the same identifier hashes.
  const identifierKeyId = raw.TALLY_IDENTIFIER_KEY_ID || (secretKeys.at(-1)?.id ?? '');
  if (secretKeys.length > 0 && !secretKeys.some((k) => k.id === identifierKeyId))
    throw new Error(`TALLY_IDENTIFIER_KEY_ID "${identifierKeyId}" is not one of TALLY_SECRET_KEYS`);
  return Object.freeze({
    port: raw.PORT,
    host: raw.HOST,
    ingestMode: raw.INGEST_MODE,
    clickhouse: {
      url: raw.CLICKHOUSE_URL,
      username: raw.CLICKHOUSE_USER,
      password: raw.CLICKHOUSE_PASSWORD,
      database: raw.CLICKHOUSE_DATABASE,
    },
    mysqlUrl: raw.MYSQL_URL,
    kafka: {
      brokers: raw.KAFKA_BROKERS.split(',')
        .map((b) => b.trim())
        .filter(Boolean),
      topic: raw.KAFKA_TOPIC,
      deadLetterTopic: raw.KAFKA_DLQ_TOPIC,
      clientId: raw.KAFKA_CLIENT_ID,
      groupId: raw.KAFKA_GROUP_ID,
      sessionTimeoutMs: raw.KAFKA_SESSION_TIMEOUT_MS,
    },
    secretKeys,
    identifierKeyId,
    trustProxy: raw.TRUST_PROXY,
    tls: raw.TLS_CERT_FILE ? { certFile: raw.TLS_CERT_FILE, keyFile: raw.TLS_KEY_FILE } : null,
    limits: {
      maxBodyBytes: raw.MAX_BODY_BYTES,
      maxDecompressedBytes: raw.MAX_DECOMPRESSED_BYTES,
      maxEventsPerBatch: raw.MAX_EVENTS_PER_BATCH,
    },
    groupCommit: {
      maxDelayMs: raw.GROUP_COMMIT_DELAY_MS,
      maxGroupRows: raw.GROUP_COMMIT_MAX_ROWS,
      maxPendingRows: raw.MAX_PENDING_ROWS,
    },
    logLevel: raw.LOG_LEVEL,
  });
}

/** Empty strings mean "not set", so a blank variable falls back to its default. */
function pickDefined(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(Env.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}
