// Entry of the embedded ClickHouse server process. Prints one "listening" line, serves until
// SIGTERM/SIGINT, then finishes running statements and closes the engine cleanly.
import { loadChdbServerConfig } from './config.ts';
import { startChdbServer } from './server.ts';

const config = loadChdbServerConfig();
const server = await startChdbServer(config);
console.log(`chdb-server listening on ${server.url} (data ${config.dataDir})`);
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void server.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
