// Configuration of the embedded deployment (one machine: a pilot bank, a laptop, CI). The only
// module of the launcher that reads the environment; every value has a working default.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface EmbeddedConfig {
  readonly repoRoot: string;
  /** State folder: databases, logs, demo write key. */
  readonly home: string;
  readonly host: string;
  readonly ports: {
    readonly collector: number;
    readonly api: number;
    readonly console: number;
    readonly clickhouse: number;
    readonly mariadb: number;
  };
  readonly clickhouseUser: string;
  readonly clickhousePassword: string;
  readonly mariadbPassword: string;
  readonly demoEvents: number;
  readonly loadDemo: boolean;
}

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    throw new Error(`${name} must be a TCP port number (1-65535), got "${raw}"`);
  }
  return value;
}

export function loadEmbeddedConfig(env: NodeJS.ProcessEnv = process.env): EmbeddedConfig {
  const demoEvents = Number(env.TALLY_DEMO_EVENTS ?? 100_000);
  if (!Number.isInteger(demoEvents) || demoEvents < 0)
    throw new Error('TALLY_DEMO_EVENTS must be a whole number');
  return Object.freeze({
    repoRoot: REPO_ROOT,
    home: resolve(env.TALLY_HOME ?? resolve(REPO_ROOT, '.tally')),
    host: env.TALLY_HOST ?? '127.0.0.1',
    ports: Object.freeze({
      collector: port(env, 'TALLY_COLLECTOR_PORT', 8600),
      api: port(env, 'TALLY_API_PORT', 8700),
      console: port(env, 'TALLY_CONSOLE_PORT', 8800),
      clickhouse: port(env, 'TALLY_CLICKHOUSE_PORT', 8123),
      mariadb: port(env, 'TALLY_MARIADB_PORT', 3307),
    }),
    clickhouseUser: 'tally',
    // Loopback-only services of a single machine; a real deployment sets its own secrets.
    clickhousePassword: env.TALLY_CLICKHOUSE_PASSWORD ?? 'tally-embedded',
    mariadbPassword: env.TALLY_MARIADB_PASSWORD ?? 'tally-embedded',
    demoEvents,
    loadDemo: env.TALLY_LOAD_DEMO !== '0',
  });
}
