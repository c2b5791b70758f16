// Public surface of Tally's ClickHouse layer: connection, migrations, row contracts.
export { type ClickHouseClient, type ClickHouseConfig, connectClickHouse } from './connect.ts';
export { CLICKHOUSE_MIGRATIONS_DIR, migrateClickHouse } from './migrate.ts';
export type { PersonResolver } from './person-resolver.ts';
export type { EventRow, IdentityOpRow, IngestBatch, ProfileOp, ProfileOpRow } from './rows.ts';
