// `npm start`: the embedded deployment in the foreground. Starts MariaDB and the local ClickHouse
// engine in .tally/, applies migrations, starts the collector (in-process ingestion), the
// analytics API and the console, loads the demo data once, prints the URLs, and on Ctrl-C stops
// everything in reverse order. Never forks product logic: the services run exactly as in a
// cluster, only their configuration differs.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnChdbServer } from '../chdb-server/index.ts';
import { connectClickHouse, migrateClickHouse } from '../clickhouse/index.ts';
import { startMariaDb } from '../mariadb/index.ts';
import { connectMySql, migrateMySql } from '../mysql/index.ts';
import { loadEmbeddedConfig } from './config.ts';
import { runScript } from './run-script.ts';
import { type ServiceProcess, startServiceProcess } from './service-process.ts';

const say = (message: string) => console.log(`[tally] ${message}`);

async function main(): Promise<void> {
  const config = loadEmbeddedConfig();
  mkdirSync(join(config.home, 'logs'), { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((e: unknown) => say(`stop failed: ${String(e)}`));
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(0)));
  process.once('SIGTERM', () => void stopAll().then(() => process.exit(0)));

  try {
    say(`state folder: ${config.home}`);
    say('starting MariaDB ...');
    const mariadb = await startMariaDb({
      dataDir: join(config.home, 'mariadb'),
      port: config.ports.mariadb,
      password: config.mariadbPassword,
    });
    stops.push(() => mariadb.stop());

    say('starting the local ClickHouse engine (chdb) ...');
    const chdb = await spawnChdbServer({
      dataDir: join(config.home, 'clickhouse'),
      host: config.host,
      port: config.ports.clickhouse,
      user: config.clickhouseUser,
      password: config.clickhousePassword,
      logFile: join(config.home, 'logs', 'clickhouse.log'),
    });
    stops.push(() => chdb.stop());

    say('applying schema migrations ...');
    const clickhouse = connectClickHouse({
      url: chdb.url,
      username: config.clickhouseUser,
      password: config.clickhousePassword,
      database: 'tally',
    });
    await migrateClickHouse(clickhouse);
    await clickhouse.close();
    const metadata = connectMySql({ url: mariadb.url });
    await migrateMySql(metadata.pool);
    await metadata.close();

    const env: Record<string, string> = {
      // The API encrypts sensitive fields with this key; made once per state folder, kept private.
      TALLY_SECRET_KEY: embeddedSecretKey(config.home),
      INGEST_MODE: 'embedded',
      CLICKHOUSE_URL: chdb.url,
      CLICKHOUSE_USER: config.clickhouseUser,
      CLICKHOUSE_PASSWORD: config.clickhousePassword,
      CLICKHOUSE_DATABASE: 'tally',
      MYSQL_URL: mariadb.url,
      HOST: config.host,
    };
    const url = (port: number) => `http://${config.host}:${port}`;
    const service = async (
      name: string,
      entry: string,
      port: number,
      readyPath: string,
      extraEnv: Record<string, string> = {},
    ) => {
      say(`starting ${name} ...`);
      const started: ServiceProcess = await startServiceProcess({
        name,
        entry: join(config.repoRoot, entry),
        env: { ...env, ...extraEnv, PORT: String(port) },
        readyUrl: `${url(port)}${readyPath}`,
        logFile: join(config.home, 'logs', `${name}.log`),
        cwd: config.repoRoot,
      });
      stops.push(() => started.stop());
      return started;
    };
    await service('collector', 'collector/src/main.ts', config.ports.collector, '/healthz');
    // Services whose issue has not landed yet are skipped rather than failing the whole start.
    const apiEntry = 'analytics-api/src/main.ts';
    const hasApi = existsSync(join(config.repoRoot, apiEntry));
    // The console server connects to the API from its own loopback address, the only one whose
    // X-Forwarded-For (the browser's address, for login throttling and audit) the API believes.
    const consoleSource = '127.0.0.2';
    if (hasApi)
      await service('analytics-api', apiEntry, config.ports.api, '/healthz', { TRUST_PROXY: consoleSource });
    const consoleEntry = 'console/src/server/main.ts';
    const hasConsole = existsSync(join(config.repoRoot, consoleEntry));
    if (hasConsole) {
      // The console serves its pages and forwards /v1/* to the API on the same origin.
      await service('console', consoleEntry, config.ports.console, '/', {
        TALLY_API_URL: url(config.ports.api),
        TALLY_API_SOURCE_ADDRESS: consoleSource,
      });
    }

    if (config.loadDemo) {
      say(`loading demo data (${config.demoEvents.toLocaleString('en')} events) ...`);
      await runScript(
        join(config.repoRoot, 'testbed/src/demo-data/load-demo.ts'),
        {
          ...env,
          COLLECTOR_URL: url(config.ports.collector),
          TALLY_HOME: config.home,
          TALLY_DEMO_EVENTS: String(config.demoEvents),
        },
        config.repoRoot,
      );
    }

    say('ready:');
    say(
      `  collector      ${url(config.ports.collector)}   (SDK endpoint POST /v1/batch, docs /openapi.json)`,
    );
    if (hasApi) say(`  analytics API  ${url(config.ports.api)}   (docs /openapi.json)`);
    if (hasConsole) say(`  console        ${url(config.ports.console)}`);
    say(`  ClickHouse     ${chdb.url}   (user ${config.clickhouseUser})`);
    say(`  MariaDB        ${mariadb.url.replace(/:[^:@/]+@/, ':***@')}`);
    say(`  logs           ${join(config.home, 'logs')}`);
    say('press Ctrl-C to stop');
  } catch (error) {
    say(`start failed: ${error instanceof Error ? error.message : String(error)}`);
    await stopAll();
    process.exit(1);
  }
}

function embeddedSecretKey(home: string): string {
  const file = join(home, 'secret-key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

await main();
