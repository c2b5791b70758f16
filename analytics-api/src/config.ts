// The analytics API's configuration: the one module that reads process.env, once, at boot.
// Validated with TypeBox and frozen; library code receives the parts it needs as arguments and
// never looks at the environment itself.
import { isIP } from 'node:net';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { type AnalysisQueueLimits, DEFAULT_ANALYSIS_QUEUE } from './models/common/analysis-queue.ts';

const Env = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8700 }),
  HOST: Type.String({ default: '127.0.0.1' }),
  CLICKHOUSE_URL: Type.String({ default: 'http://127.0.0.1:8123' }),
  CLICKHOUSE_USER: Type.String({ default: 'tally' }),
  CLICKHOUSE_PASSWORD: Type.String({ default: '' }),
  CLICKHOUSE_DATABASE: Type.String({ default: 'tally' }),
  CLICKHOUSE_MAX_EXECUTION_TIME_S: Type.Integer({ minimum: 1, default: 60 }),
  /** Memory ceiling of one analysis query; over it the query fails with 422 QUERY_TOO_EXPENSIVE. */
  CLICKHOUSE_MAX_MEMORY_BYTES: Type.Integer({ minimum: 1_000_000, default: 6 * 1024 ** 3 }),
  /** How often the API checks for overrides newer than its dictionary's load and reloads it; 0: never. */
  CLICKHOUSE_OVERRIDES_RELOAD_S: Type.Integer({ minimum: 0, default: 10 }),
  /** Cluster name for ON CLUSTER DDL (retention TTL); empty on a single node. */
  CLICKHOUSE_CLUSTER: Type.String({ default: '', pattern: '^[A-Za-z0-9_]{0,64}$' }),
  /** Analyses running on ClickHouse at once; keep it times CLICKHOUSE_MAX_MEMORY_BYTES within the engine's memory. */
  ANALYSIS_MAX_RUNNING: Type.Integer({ minimum: 1, default: DEFAULT_ANALYSIS_QUEUE.running }),
  /** Analyses that may wait for a turn (served bank by bank in turn); one more gets 503 ANALYSIS_BUSY. */
  ANALYSIS_MAX_QUEUED: Type.Integer({ minimum: 0, default: DEFAULT_ANALYSIS_QUEUE.queued }),
  /** Longest wait for a turn, seconds; past it 503 ANALYSIS_BUSY. */
  ANALYSIS_MAX_WAIT_S: Type.Integer({ minimum: 1, default: DEFAULT_ANALYSIS_QUEUE.maxWaitMs / 1000 }),
  MYSQL_URL: Type.String({ default: 'mysql://tally:tally@127.0.0.1:3307/tally' }),
  /** `id:base64key,id:base64key` - the first key encrypts, all of them decrypt (rotation). */
  TALLY_SECRET_KEYS: Type.String({ default: '' }),
  /** A single base64 key (id `k1`), for installations that never rotated. */
  TALLY_SECRET_KEY: Type.String({ default: '' }),
  /** Key id whose key hashes identifiers; pinned so hashes stay joinable across rotations. */
  TALLY_IDENTIFIER_KEY_ID: Type.String({ default: '' }),
  SESSION_TTL: Type.Integer({ minimum: 60, default: 8 * 3600 }),
  SESSION_IDLE_TTL: Type.Integer({ minimum: 60, default: 30 * 60 }),
  COOKIE_SECURE: Type.Union([Type.Literal('auto'), Type.Literal('true'), Type.Literal('false')], {
    default: 'auto',
  }),
  /** false, true (any hop), or the proxies' addresses / CIDRs, comma-separated. */
  TRUST_PROXY: Type.String({ default: 'false' }),
  TLS_CERT_FILE: Type.String({ default: '' }),
  TLS_KEY_FILE: Type.String({ default: '' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
});

export interface SecretKey {
  readonly id: string;
  /** 32 bytes. */
  readonly key: Buffer;
}

export interface ApiConfig {
  readonly port: number;
  readonly host: string;
  readonly clickhouse: {
    readonly url: string;
    readonly username: string;
    readonly password: string;
    readonly database: string;
    readonly maxExecutionTimeS: number;
    /** Per analysis query (default 6 GiB): a query over it fails fast instead of starving others. */
    readonly maxMemoryBytes?: number;
    /** CLICKHOUSE_CLUSTER; absent or '' on a single node. */
    readonly cluster?: string;
    /** Overrides dictionary keeper's period (CLICKHOUSE_OVERRIDES_RELOAD_S); 0 turns the keeper off. */
    readonly overridesReloadS: number;
  };
  /** How many analyses run and wait at once (ANALYSIS_MAX_*); absent: the defaults (3, 200, 30 s). */
  readonly analysisQueue?: AnalysisQueueLimits;
  readonly mysqlUrl: string;
  /** Newest first: keys[0] encrypts new values; every key decrypts. */
  readonly secretKeys: readonly SecretKey[];
  readonly identifierKeyId: string;
  readonly session: { readonly ttlS: number; readonly idleTtlS: number };
  /** Whether cookies carry `Secure` (and the `__Host-` prefix). */
  readonly cookieSecure: boolean;
  /**
   * Whose X-Forwarded-For is believed: nobody (false), any hop (true: only behind your own load
   * balancer), or only connections from these addresses / CIDRs (comma-separated; e.g. the
   * console server's source address), so a client calling the API directly cannot forge it.
   */
  readonly trustProxy: boolean | string;
  readonly tls: { readonly certFile: string; readonly keyFile: string } | null;
  readonly logLevel: string;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,16}$/;

/** Parses `id:base64,id:base64`; every key must decode to exactly 32 bytes. */
export function parseSecretKeys(list: string): SecretKey[] {
  const keys: SecretKey[] = [];
  for (const entry of list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (!KEY_ID.test(id)) throw new Error(`TALLY_SECRET_KEYS: key id "${id}" must match ${KEY_ID}`);
    if (key.length !== 32)
      throw new Error(`TALLY_SECRET_KEYS: key "${id}" must be 32 bytes of base64 (openssl rand -base64 32)`);
    if (keys.some((k) => k.id === id)) throw new Error(`TALLY_SECRET_KEYS: key id "${id}" appears twice`);
    keys.push({ id, key });
  }
  return keys;
}

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const raw = Value.Convert(Env, Value.Default(Env, pickDefined(env))) as Static<typeof Env>;
  const errors = [...Value.Errors(Env, raw)];
  if (errors.length > 0) {
    const first = errors[0]!;
    throw new Error(
      `analytics-api configuration: ${first.path.slice(1)} ${first.message} (got "${String(first.value)}")`,
    );
  }
  if (Boolean(raw.TLS_CERT_FILE) !== Boolean(raw.TLS_KEY_FILE))
    throw new Error('TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  const secretKeys = parseSecretKeys(
    raw.TALLY_SECRET_KEYS || (raw.TALLY_SECRET_KEY ? `k1:${raw.TALLY_SECRET_KEY}` : ''),
  );
  if (secretKeys.length === 0)
    throw new Error(
      'TALLY_SECRET_KEYS (or TALLY_SECRET_KEY) is required: generate one with openssl rand -base64 32',
    );
  const identifierKeyId = raw.TALLY_IDENTIFIER_KEY_ID || secretKeys[secretKeys.length - 1]!.id;
  if (!secretKeys.some((k) => k.id === identifierKeyId))
    throw new Error(`TALLY_IDENTIFIER_KEY_ID "${identifierKeyId}" is not one of TALLY_SECRET_KEYS`);
  const trustProxy = parseTrustProxy(raw.TRUST_PROXY);
  const tls = raw.TLS_CERT_FILE ? { certFile: raw.TLS_CERT_FILE, keyFile: raw.TLS_KEY_FILE } : null;
  return Object.freeze({
    port: raw.PORT,
    host: raw.HOST,
    clickhouse: Object.freeze({
      url: raw.CLICKHOUSE_URL,
      username: raw.CLICKHOUSE_USER,
      password: raw.CLICKHOUSE_PASSWORD,
      database: raw.CLICKHOUSE_DATABASE,
      maxExecutionTimeS: raw.CLICKHOUSE_MAX_EXECUTION_TIME_S,
      maxMemoryBytes: raw.CLICKHOUSE_MAX_MEMORY_BYTES,
      cluster: raw.CLICKHOUSE_CLUSTER,
      overridesReloadS: raw.CLICKHOUSE_OVERRIDES_RELOAD_S,
    }),
    analysisQueue: Object.freeze({
      running: raw.ANALYSIS_MAX_RUNNING,
      queued: raw.ANALYSIS_MAX_QUEUED,
      maxWaitMs: raw.ANALYSIS_MAX_WAIT_S * 1000,
    }),
    mysqlUrl: raw.MYSQL_URL,
    secretKeys: Object.freeze(secretKeys),
    identifierKeyId,
    session: Object.freeze({ ttlS: raw.SESSION_TTL, idleTtlS: raw.SESSION_IDLE_TTL }),
    // Behind a TLS-terminating load balancer (TRUST_PROXY=true) the app sees plain HTTP, so `auto`
    // also follows that flag; a list of addresses (the console server) implies nothing about TLS.
    cookieSecure:
      raw.COOKIE_SECURE === 'auto' ? tls !== null || trustProxy === true : raw.COOKIE_SECURE === 'true',
    trustProxy,
    tls,
    logLevel: raw.LOG_LEVEL,
  });
}

/** TRUST_PROXY: true / false (also 1 / 0), or a list of IP addresses and CIDRs, checked here. */
export function parseTrustProxy(value: string): boolean | string {
  const text = value.trim().toLowerCase();
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0' || text === '') return false;
  const entries = text.split(',').map((s) => s.trim());
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = family === 6 ? 128 : 32;
    const badPrefix = prefix !== undefined && !(/^\d+$/.test(prefix) && Number(prefix) <= bits);
    if (family === 0 || badPrefix || extra !== undefined)
      throw new Error(
        `TRUST_PROXY: "${entry}" is not an IP address or CIDR (use true, false, or e.g. 127.0.0.2,10.0.0.0/8)`,
      );
  }
  return entries.join(',');
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
