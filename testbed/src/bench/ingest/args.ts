// Command-line options of `pnpm bench:ingest`.
import { parseArgs } from 'node:util';

export interface IngestBenchOptions {
  readonly events: number;
  readonly mode: 'embedded' | 'kafka';
  readonly batchSize: number;
  readonly concurrency: number;
}

export function parseIngestArgs(argv: readonly string[]): IngestBenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      events: { type: 'string', default: '1000000' },
      mode: { type: 'string', default: 'embedded' },
      'batch-size': { type: 'string', default: '500' },
      concurrency: { type: 'string', default: '8' },
    },
  });
  const events = Number(values.events);
  if (!Number.isInteger(events) || events < 1000) throw new Error('--events must be a whole number >= 1000');
  if (values.mode !== 'embedded' && values.mode !== 'kafka') throw new Error('--mode is embedded or kafka');
  return {
    events,
    mode: values.mode,
    batchSize: Number(values['batch-size']),
    concurrency: Number(values.concurrency),
  };
}
