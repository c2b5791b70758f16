// Everything the console's end-to-end tests run against, all real: the embedded stack (MariaDB,
// the chdb ClickHouse server, the collector), a small demo data set sent through the collector,
// the demo org tree and staff, the analytics API listening on a free port, and the console
// server (built assets + API proxy) in front of it. stop() tears it all down.

import { buildApp } from '@tally/analytics-api';
import { generateDemoData, postBatches, seedDemoLogins } from '@tally/testbed/demo-data';
import { type EmbeddedStack, startEmbeddedStack } from '@tally/testbed/stack';
import type { ApiConfig } from '../../../../analytics-api/src/config.ts';
import { testConfig } from '../../../../analytics-api/test/security/support/api-stack.ts';

type FastifyInstance = Awaited<ReturnType<typeof buildApp>>;

import { CONSOLE_ROOT } from '../../../src/server/config.ts';
import { type ConsoleServer, startConsoleServer } from '../../../src/server/console-server.ts';

/** Where the console server connects to the API from; the API's TRUST_PROXY names it. */
export const CONSOLE_SOURCE_ADDRESS = '127.0.0.2';

export interface ConsoleStack {
  readonly stack: EmbeddedStack;
  readonly api: FastifyInstance;
  readonly apiUrl: string;
  readonly console: ConsoleServer;
  readonly appId: string;
  readonly events: number;
  stop(): Promise<void>;
}

export async function startConsoleStack(options: { events: number; days: number }): Promise<ConsoleStack> {
  const stack = await startEmbeddedStack();
  let api: FastifyInstance | undefined;
  let server: ConsoleServer | undefined;
  try {
    const data = generateDemoData({ events: options.events, days: options.days });
    await seedDemoLogins(stack.metadata, data.province);
    const sent = await postBatches(data.batches(), {
      collectorUrl: stack.collectorUrl,
      writeKey: stack.writeKey,
      batchSize: 500,
      concurrency: 4,
    });
    // As deployed: the API believes X-Forwarded-For only from the console server's own source
    // address, a loopback address nothing else uses (tests call the API directly from 127.0.0.1).
    const config: ApiConfig = testConfig({ port: 0, trustProxy: CONSOLE_SOURCE_ADDRESS });
    // Errors only: a 5xx in a browser test is then explained in the test output.
    api = await buildApp({
      config,
      clickhouse: stack.clickhouse,
      metadata: stack.metadata,
      logger: { level: 'error' },
    });
    const apiUrl = await api.listen({ port: 0, host: '127.0.0.1' });
    server = await startConsoleServer(
      {
        port: 0,
        host: '127.0.0.1',
        apiUrl: new URL(apiUrl),
        apiSourceAddress: CONSOLE_SOURCE_ADDRESS,
        root: CONSOLE_ROOT,
      },
      () => undefined,
    );
    const started = { api, server };
    return {
      stack,
      api,
      apiUrl,
      console: server,
      appId: stack.appId,
      events: sent.accepted,
      async stop() {
        await started.server.close().catch(() => undefined);
        await started.api.close().catch(() => undefined);
        await stack.stop();
      },
    };
  } catch (error) {
    await server?.close().catch(() => undefined);
    await api?.close().catch(() => undefined);
    await stack.stop();
    throw error;
  }
}
