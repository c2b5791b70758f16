// A chdb engine of its own for one test file: a private data directory, one database, a client
// on it; `stop` closes both and deletes the directory. Never shared between files.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChdbServer } from '@tally/infra/chdb-server';
import { type ClickHouseClient, connectClickHouse } from '@tally/infra/clickhouse';

export interface ScratchEngine {
  readonly client: ClickHouseClient;
  stop(): Promise<void>;
}

export async function startScratchEngine(database: string): Promise<ScratchEngine> {
  const dir = mkdtempSync(join(tmpdir(), `${database}-`));
  const server = await startChdbServer({ dataDir: dir, user: 'u', password: 'p' });
  const admin = connectClickHouse({ url: server.url, username: 'u', password: 'p', database: 'default' });
  await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
  await admin.close();
  const client = connectClickHouse({ url: server.url, username: 'u', password: 'p', database });
  return {
    client,
    async stop() {
      await client.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
