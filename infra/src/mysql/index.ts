// Public surface of Tally's metadata database layer.
export { connectMySql, type MetadataDb, type MySqlConfig } from './connect.ts';
export { MYSQL_MIGRATIONS_DIR, migrateMySql } from './migrate.ts';
export { apps, appWriteKeys } from './schema/apps.ts';
