// Applies infra/mysql/migrations/*.sql in version order, each once, recorded in
// `schema_migrations`. Version ranges keep features from colliding: 0001-0099 platform (apps,
// keys), 0100-0199 organisation/security, 0200-0299 identity, 0300-0399 analysis metadata,
// 0400-0499 console (saved analyses, dashboards), 0500+ campaigns.
import { fileURLToPath } from 'node:url';
import type { Pool } from 'mysql2/promise';
import { type MigrationFile, readMigrationFiles } from '../migrations/migration-files.ts';

export const MYSQL_MIGRATIONS_DIR = fileURLToPath(new URL('../../mysql/migrations', import.meta.url));

export async function migrateMySql(pool: Pool, dir: string = MYSQL_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  await pool.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INT UNSIGNED PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
  )`);
  // Two services starting at once must not both apply a file: a named lock serialises them.
  const conn = await pool.getConnection();
  try {
    await conn.query("SELECT GET_LOCK('tally_schema_migrations', 60)");
    const [rows] = await conn.query('SELECT version FROM schema_migrations');
    const applied = new Set((rows as Array<{ version: number }>).map((r) => Number(r.version)));
    const done: MigrationFile[] = [];
    for (const file of readMigrationFiles(dir)) {
      if (applied.has(file.version)) continue;
      for (const statement of file.statements) await conn.query(statement);
      await conn.query('INSERT INTO schema_migrations (version, name) VALUES (?, ?)', [
        file.version,
        file.name,
      ]);
      done.push(file);
    }
    return done;
  } finally {
    await conn.query("SELECT RELEASE_LOCK('tally_schema_migrations')");
    conn.release();
  }
}
