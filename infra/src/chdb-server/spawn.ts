// Starts the chdb server as its own process (the engine allows one data directory per process,
// and tests need to kill it to simulate an outage), ready once /ping answers.
import { fileURLToPath } from 'node:url';
import { type ServiceProcess, startServiceProcess } from '../embedded/service-process.ts';
import type { ChdbServerOptions } from './server.ts';

const ENTRY = fileURLToPath(new URL('./main.ts', import.meta.url));

export interface SpawnedChdbServer {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

export async function spawnChdbServer(
  options: Omit<ChdbServerOptions, 'port'> & {
    /**
     * A port, or a way to pick a free one: then a server whose port was taken before it could
     * listen (parallel tests) is started again on a new one.
     */
    port: number | (() => Promise<number>);
    logFile?: string;
  },
): Promise<SpawnedChdbServer> {
  const host = options.host ?? '127.0.0.1';
  for (let attempt = 1; ; attempt++) {
    const port = typeof options.port === 'number' ? options.port : await options.port();
    try {
      const child: ServiceProcess = await startServiceProcess({
        name: 'chdb-server',
        entry: ENTRY,
        env: {
          CHDB_DATA_DIR: options.dataDir,
          CHDB_HOST: host,
          CHDB_PORT: String(port),
          CHDB_USER: options.user,
          CHDB_PASSWORD: options.password,
          CHDB_DATABASE: options.database ?? 'tally',
          CHDB_SESSIONS: String(options.sessions ?? 4),
          CHDB_FSYNC: options.fsyncAfterInsert ? '1' : '0',
        },
        readyUrl: `http://${host}:${port}/ping`,
        readyPidHeader: 'x-tally-pid',
        ...(options.logFile ? { logFile: options.logFile } : {}),
      });
      return {
        url: `http://${host}:${port}`,
        pid: child.pid,
        stop: () => child.stop(30_000),
        kill: (signal) => child.kill(signal),
      };
    } catch (error) {
      if (typeof options.port === 'number' || attempt >= 3) throw error;
    }
  }
}
