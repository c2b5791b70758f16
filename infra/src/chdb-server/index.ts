// The embedded ClickHouse engine behind ClickHouse's HTTP interface.
export { type ChdbServer, type ChdbServerOptions, startChdbServer } from './server.ts';
export { type SpawnedChdbServer, spawnChdbServer } from './spawn.ts';
