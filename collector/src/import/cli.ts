// The import CLI: streams a file to a collector's POST /v1/import, printing progress (% of the
// file, lines, lines/s) while the collector takes it, then the summary and every rejected line
// (line number, field, rule). The collector paces the upload by how fast it stores, so the
// progress is the import's own. Exit code 0 all imported, 2 some lines rejected, 1 failure.
//   pnpm run import -- --file events.ndjson --app mbank --key wk_... --server http://127.0.0.1:8600
import { createReadStream, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Transform } from 'node:stream';
import { parseArgs } from 'node:util';
import type { ImportSummary } from './run-import.ts';

const USAGE = `usage: pnpm run import -- --file <path> --key <write key> --server <collector url>
       [--app <app id>] [--format ndjson|csv] [--dialect auto|tally|sensors] [--type <default row type>]`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: {
      file: { type: 'string' },
      app: { type: 'string' },
      key: { type: 'string' },
      server: { type: 'string' },
      format: { type: 'string' },
      dialect: { type: 'string' },
      type: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  if (!values.file || !values.key || !values.server) {
    console.error(USAGE);
    return 1;
  }
  const format = values.format ?? (/\.csv$/i.test(values.file) ? 'csv' : 'ndjson');
  const size = statSync(values.file).size;
  const url = new URL('/v1/import', values.server);
  url.searchParams.set('format', format);
  for (const name of ['app', 'dialect', 'type'] as const) {
    if (values[name]) url.searchParams.set(name, values[name]);
  }

  let bytes = 0;
  let lines = 0;
  const started = Date.now();
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) lines++;
      done(null, chunk);
    },
  });
  const progress = () => {
    const seconds = (Date.now() - started) / 1000;
    const pct = size > 0 ? (100 * bytes) / size : 100;
    process.stderr.write(
      `\r[import] ${pct.toFixed(1)}% of ${values.file}  ${lines.toLocaleString('en')} lines  ${Math.round(lines / Math.max(seconds, 0.001)).toLocaleString('en')} lines/s   `,
    );
  };
  const timer = values.quiet ? null : setInterval(progress, 1000);

  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': format === 'csv' ? 'text/csv' : 'application/x-ndjson',
          'x-tally-key': values.key,
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    createReadStream(values.file!).on('error', reject).pipe(counter).pipe(req);
  }).finally(() => {
    if (timer) clearInterval(timer);
  });
  if (!values.quiet) {
    progress();
    process.stderr.write('\n');
  }
  if (response.status !== 200) {
    console.error(`import failed: HTTP ${response.status} ${response.body.slice(0, 500)}`);
    console.error(
      'Nothing is lost by running the same command again: lines already stored are not counted twice.',
    );
    return 1;
  }
  const summary = JSON.parse(response.body) as ImportSummary;
  console.log(
    `lines: ${summary.lines}  accepted: ${summary.accepted}  rejected: ${summary.rejected}  in ${summary.seconds.toFixed(1)} s (${Math.round(summary.lines / Math.max(summary.seconds, 0.001))} lines/s)`,
  );
  for (const r of summary.rejections)
    console.log(`  line ${r.line}: ${r.code}${r.field ? ` [${r.field}]` : ''} ${r.message}`);
  if (summary.rejectionsTruncated)
    console.log(`  ... ${summary.rejected - summary.rejections.length} more rejected lines not listed`);
  return summary.rejected > 0 ? 2 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`import failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
