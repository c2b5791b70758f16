// Applies infra/clickhouse/migrations/*.sql at service start, idempotently: each file runs once,
// recorded in `schema_migrations`; statements use IF NOT EXISTS so a crash between a statement
// and its record is harmless on the next start. Never edits an applied file's effect.
import { fileURLToPath } from 'node:url';
import { type MigrationFile, readMigrationFiles } from '../migrations/migration-files.ts';
import type { ClickHouseClient } from './connect.ts';

export const CLICKHOUSE_MIGRATIONS_DIR = fileURLToPath(
  new URL('../../clickhouse/migrations', import.meta.url),
);

/**
 * Stands for the connection's database in a statement that must name it in text ClickHouse does
 * not resolve against the current database (a dictionary's source query).
 */
export const DATABASE_PLACEHOLDER = '{{database}}';

/** The name itself when it can be spliced into SQL text as is; throws otherwise. */
export function plainIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new Error(`database name ${JSON.stringify(name)} is not a plain identifier`);
  return name;
}

async function currentDatabase(client: ClickHouseClient): Promise<string> {
  const rows = await client.query({ query: 'SELECT currentDatabase() AS db', format: 'JSONEachRow' });
  return plainIdentifier((await rows.json<{ db: string }>())[0]?.db ?? '');
}

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
  let database: string | undefined;
  for (const file of readMigrationFiles(dir)) {
    if (applied.has(file.version)) continue;
    for (const statement of file.statements) {
      if (statement.includes(DATABASE_PLACEHOLDER)) database ??= await currentDatabase(client);
      await client.command({ query: statement.replaceAll(DATABASE_PLACEHOLDER, database ?? '') });
    }
    await client.insert({
      table: 'schema_migrations',
      values: [{ version: file.version, name: file.name }],
      format: 'JSONEachRow',
    });
    done.push(file);
  }
  return done;
}
