// A collector app for route-level tests: the real buildApp with a recording sink and a fixed
// key lookup. The sink stands in for the transport only; storage guarantees are tested end to
// end against real ClickHouse/Kafka in test/ingestion/.
import type { IngestBatch } from '@tally/infra/clickhouse';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadCollectorConfig } from '../../src/config.ts';
import { type EventSink, SinkUnavailableError } from '../../src/ingestion/sink.ts';

export const WRITE_KEY = 'wk_test_key';

export interface RecordingSink extends EventSink {
  readonly batches: IngestBatch[];
  failNext: boolean;
}

export function recordingSink(): RecordingSink {
  const sink: RecordingSink = {
    batches: [],
    failNext: false,
    async submit(batch) {
      if (sink.failNext) {
        sink.failNext = false;
        throw new SinkUnavailableError('storage down (test)');
      }
      sink.batches.push(batch);
    },
    pending: () => 0,
    ready: () => true,
    close: async () => {},
  };
  return sink;
}

export async function testApp(sink: EventSink = recordingSink()): Promise<FastifyInstance> {
  const config = loadCollectorConfig({ LOG_LEVEL: 'silent' });
  return buildApp({
    config,
    sink,
    apps: {
      byWriteKey: async (key) =>
        key === WRITE_KEY ? { appId: 'mbank', defaultBankCode: 'B000', timeZone: 'Asia/Shanghai' } : null,
    },
  });
}
