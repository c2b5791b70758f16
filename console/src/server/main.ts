// Entry of the console server (started by `npm start`'s supervisor with PORT and TALLY_API_URL):
// builds the assets if needed, serves them and proxies the API; stops on SIGTERM / SIGINT.

import { loadConsoleConfig } from './config.ts';
import { startConsoleServer } from './console-server.ts';

const server = await startConsoleServer(loadConsoleConfig());
console.log(`[console] listening on ${server.url}`);
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
