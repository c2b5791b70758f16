// Import throughput on this machine: starts the embedded stack, writes N-line NDJSON files of
// realistic banking events (mixed Tally and Sensors-style lines, 30 days of history), imports
// three fresh files with the CLI and reports lines/s (median), then re-runs one file (all lines
// already stored: the idempotent path). Not a test; run by hand:
//   npx tsx collector/test/import/import-bench.ts [lines=100000]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedStack } from '@tally/testbed/stack';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const N = Number(process.argv[2] ?? 100_000);
const EVENTS = ['$pageview', 'Transfer', 'BuyFund', 'ViewBalance', '$AppStart'];

function file(dir: string, seed: number): string {
  const start = Date.now() - 30 * 86_400_000;
  const out: string[] = [];
  for (let i = 0; i < N; i++) {
    const time = start + Math.floor((i / N) * 29 * 86_400_000);
    const device = `bench-${seed}-d${i % 5000}`;
    out.push(
      i % 2 === 0
        ? JSON.stringify({
            event: EVENTS[i % EVENTS.length],
            time,
            distinct_id: device,
            ...(i % 3 === 0 ? { login_id: `C${i % 2000}` } : {}),
            properties: { amount: i % 10_000, $bank_code: 'B001', $os: 'Android', seq: i },
          })
        : JSON.stringify({
            type: 'track',
            event: EVENTS[i % EVENTS.length],
            time,
            distinct_id: device,
            _track_id: seed * 10_000_000 + i,
            lib: { $lib: 'Android', $lib_version: '6.8.0' },
            properties: { amount: i % 10_000, $os: 'Android', $model: 'Mate 60', seq: i },
          }),
    );
  }
  const path = join(dir, `bench-${seed}.ndjson`);
  writeFileSync(path, `${out.join('\n')}\n`);
  return path;
}

const stack = await startEmbeddedStack();
const dir = mkdtempSync(join(tmpdir(), 'tally-import-bench-'));
const run = (path: string) => {
  const started = Date.now();
  const r = spawnSync(
    'pnpm',
    [
      'run',
      '--silent',
      'import',
      '--',
      '--file',
      path,
      '--key',
      stack.writeKey,
      '--server',
      stack.collectorUrl,
      '--quiet',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  const seconds = (Date.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`import failed: ${r.stdout} ${r.stderr}`);
  return { seconds, summary: r.stdout.trim().split('\n')[0] };
};
try {
  const rates: number[] = [];
  let first = '';
  for (const seed of [1, 2, 3]) {
    const path = file(dir, seed);
    first ||= path;
    const { seconds, summary } = run(path);
    rates.push(N / seconds);
    console.log(
      `fresh file ${seed}: ${N} lines, ${(statSync(path).size / 1e6).toFixed(1)} MB, ${seconds.toFixed(1)} s -> ${Math.round(N / seconds)} lines/s  (${summary})`,
    );
  }
  rates.sort((a, b) => a - b);
  console.log(`median fresh import: ${Math.round(rates[1]!)} lines/s`);
  const again = run(first);
  console.log(
    `re-run of file 1 (all stored): ${again.seconds.toFixed(1)} s -> ${Math.round(N / again.seconds)} lines/s  (${again.summary})`,
  );
  const rs = await stack.clickhouse.query({
    query: 'SELECT count() AS rows, uniqExact(uuid) AS uuids FROM events WHERE app_id = {app:String}',
    query_params: { app: stack.appId },
    format: 'JSONEachRow',
  });
  console.log('stored:', JSON.stringify(await rs.json()), `expected rows = uuids = ${3 * N}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
  await stack.stop();
}
