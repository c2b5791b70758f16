// Loads the demo province into a running embedded deployment (called by `npm start`): the demo
// app and its write key, then a month of generated mobile-banking behaviour sent through the
// real collector, with progress. Runs once per state folder; a marker file records it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectMySql } from '@tally/infra/mysql';
import { createTestApp } from '../stack/test-app.ts';
import { generateDemoData } from './generate.ts';
import { postBatches } from './post-batches.ts';
import { seedDemoLogins } from './seed-demo-logins.ts';

interface LoaderConfig {
  readonly mysqlUrl: string;
  readonly collectorUrl: string;
  readonly home: string;
  readonly events: number;
}

function loadConfig(env: NodeJS.ProcessEnv): LoaderConfig {
  const required = (name: string) => {
    const value = env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  return {
    mysqlUrl: required('MYSQL_URL'),
    collectorUrl: required('COLLECTOR_URL'),
    home: required('TALLY_HOME'),
    events: Number(env.TALLY_DEMO_EVENTS ?? 100_000),
  };
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const marker = join(config.home, 'demo-loaded.json');
  await printDemoLogins(config.mysqlUrl);
  if (existsSync(marker)) {
    const previous = JSON.parse(readFileSync(marker, 'utf8')) as { events: number; writeKey: string };
    console.log(
      `[demo] already loaded (${previous.events.toLocaleString('en')} events); write key ${previous.writeKey}`,
    );
    return;
  }
  const metadata = connectMySql({ url: config.mysqlUrl });
  try {
    const { appId, writeKey } = await createTestApp(metadata, { id: 'mbank', name: '手机银行' });
    const data = generateDemoData({ events: config.events, days: 30 });
    let lastShown = 0;
    const started = Date.now();
    const summary = await postBatches(data.batches(), {
      collectorUrl: config.collectorUrl,
      writeKey,
      batchSize: 500,
      concurrency: 4,
      onProgress: (accepted) => {
        if (accepted - lastShown >= config.events / 10) {
          lastShown = accepted;
          console.log(`[demo] ${accepted.toLocaleString('en')} events sent ...`);
        }
      },
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `[demo] app "${appId}": ${summary.accepted.toLocaleString('en')} events and profiles accepted, ` +
        `${summary.rejected} rejected, in ${seconds} s; ${data.customers.length.toLocaleString('en')} customers ` +
        `of ${data.province.banks.length} banks`,
    );
    console.log(`[demo] SDK write key for app "${appId}": ${writeKey}`);
    writeFileSync(
      marker,
      JSON.stringify({ appId, writeKey, events: summary.accepted, at: new Date().toISOString() }),
    );
  } finally {
    await metadata.close();
  }
}

/** Seeds the demo org tree and staff (idempotent, also on a state loaded before) and prints them. */
async function printDemoLogins(mysqlUrl: string): Promise<void> {
  const metadata = connectMySql({ url: mysqlUrl });
  try {
    // The province depends only on the generator's seed, not on the event count.
    const { province } = generateDemoData({ events: 1, days: 1 });
    const { accounts, provinceNodesCreated, differences } = await seedDemoLogins(metadata, province);
    if (provinceNodesCreated > 0)
      console.log(`[demo] org tree: ${provinceNodesCreated} banks and branches added`);
    if (differences.length > 0)
      console.log(`[demo] seeded org tree differs from the generator's: ${differences.join(', ')}`);
    const password = accounts[0]?.password ?? '';
    console.log(`[demo] console logins (password ${password}):`);
    for (const a of accounts)
      console.log(`[demo]   ${a.username.padEnd(18)} ${a.orgCode.padEnd(8)} ${a.roles.join(', ')}`);
  } finally {
    await metadata.close();
  }
}

await main();
