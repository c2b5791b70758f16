// Opens the metadata database (MariaDB embedded, any MySQL-compatible database in a cluster)
// as a mysql2 pool wrapped by drizzle. Never reads the environment: callers pass the URL.
import { drizzle, type MySql2Database } from 'drizzle-orm/mysql2';
import mysql, { type Pool } from 'mysql2/promise';

export interface MySqlConfig {
  /** mysql://user:pass@host:port/db, or with ?socket=/path for a Unix socket. */
  readonly url: string;
  readonly connectionLimit?: number;
}

export interface MetadataDb {
  readonly pool: Pool;
  readonly db: MySql2Database;
  close(): Promise<void>;
}

export function connectMySql(config: MySqlConfig): MetadataDb {
  const url = new URL(config.url);
  const socketPath = url.searchParams.get('socket') ?? undefined;
  const pool = mysql.createPool({
    ...(socketPath ? { socketPath } : { host: url.hostname, port: Number(url.port || 3306) }),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.replace(/^\//, ''),
    connectionLimit: config.connectionLimit ?? 10,
    // DATETIME(3) columns are UTC everywhere; the pool must not shift them by the host zone.
    timezone: 'Z',
    dateStrings: false,
    supportBigNumbers: true,
    multipleStatements: false,
  });
  const db = drizzle(pool);
  return { pool, db, close: () => pool.end() };
}
