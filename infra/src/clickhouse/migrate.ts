// Applies infra/clickhouse/migrations/*.sql at service start, idempotently: each file runs once,
// recorded in `schema_migrations`; statements use IF NOT EXISTS so a crash between a statement
// and its record is harmless on the next start. Never edits an applied file's effect.
import { fileURLToPath } from 'node:url';
import { type MigrationFile, readMigrationFiles } from '../migrations/migration-files.ts';
import type { ClickHouseClient } from './connect.ts';

export const CLICKHOUSE_MIGRATIONS_DIR = fileURLToPath(
  new URL('../../clickhouse/migrations', import.meta.url),
);

export async function migrateClickHouse(
  client: ClickHouseClient,
  dir: string = CLICKHOUSE_MIGRATIONS_DIR,
): Promise<MigrationFile[]> {
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS schema_migrations
      (version UInt32, name String, applied_at DateTime64(3) DEFAULT now64(3))
      ENGINE = MergeTree ORDER BY version`,
  });
  const appliedRows = await client.query({
    query: 'SELECT version FROM schema_migrations',
    format: 'JSONEachRow',
  });
  const applied = new Set((await appliedRows.json<{ version: number }>()).map((r) => Number(r.version)));
  const done: MigrationFile[] = [];
  for (const file of readMigrationFiles(dir)) {
    if (applied.has(file.version)) continue;
    for (const statement of file.statements) await client.command({ query: statement });
    await client.insert({
      table: 'schema_migrations',
      values: [{ version: file.version, name: file.name }],
      format: 'JSONEachRow',
    });
    done.push(file);
  }
  return done;
}
