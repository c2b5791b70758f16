// Runs Debian's MariaDB server in a private data directory for the embedded deployment and the
// tests: initialises the directory on first use, starts mariadbd on loopback, waits until it
// accepts connections, and makes sure the Tally database and user exist. Never touches a
// system-wide MariaDB: no defaults files are read, the socket and pid file live in the folder.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { logChildOutput } from '../process/output-log.ts';

const run = promisify(execFile);

export interface MariaDbOptions {
  readonly dataDir: string;
  /**
   * A port, or a way to pick a free one: then a server that lost its port to another process
   * between the pick and its bind (parallel tests) is started again on a new one.
   */
  readonly port: number | (() => Promise<number>);
  readonly password: string;
  readonly database?: string;
  readonly user?: string;
  readonly readyTimeoutMs?: number;
}

export interface RunningMariaDb {
  /** mysql://user:password@127.0.0.1:port/database, for infra's connectMySql. */
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

// A laptop-sized server: small buffer pool, strict UTF-8, no name resolution, durable commits.
const SERVER_FLAGS = [
  '--bind-address=127.0.0.1',
  '--skip-name-resolve',
  '--character-set-server=utf8mb4',
  '--collation-server=utf8mb4_bin',
  '--innodb-buffer-pool-size=128M',
  '--innodb-log-file-size=48M',
  '--innodb-flush-log-at-trx-commit=1',
  '--max-connections=300',
  '--skip-log-bin',
];

export async function startMariaDb(options: MariaDbOptions): Promise<RunningMariaDb> {
  const dataDir = resolve(options.dataDir);
  const database = options.database ?? 'tally';
  const user = options.user ?? 'tally';
  const socket = join(dataDir, 'mysqld.sock');
  const tmpDir = `${dataDir}.tmp`;
  if (!existsSync(join(dataDir, 'mysql'))) {
    // mariadb-install-db failed when several ran at once with the shared /tmp as their temporary
    // directory ("Error on delete of '/tmp/#sql-temptable-...'"): each instance gets its own, and
    // a failed bootstrap is retried in a fresh directory.
    for (let attempt = 1; ; attempt++) {
      rmSync(dataDir, { recursive: true, force: true });
      mkdirSync(dataDir, { recursive: true });
      mkdirSync(tmpDir, { recursive: true });
      try {
        await run('mariadb-install-db', [
          '--no-defaults',
          `--datadir=${dataDir}`,
          `--tmpdir=${tmpDir}`,
          '--auth-root-authentication-method=normal',
          '--user=root',
          '--skip-test-db',
        ]);
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  }
  mkdirSync(tmpDir, { recursive: true });
  const errorLog = join(dataDir, 'error.log');
  let server: StartedServer;
  let port: number;
  let root: mysql.Connection;
  for (let attempt = 1; ; attempt++) {
    port = typeof options.port === 'number' ? options.port : await options.port();
    server = spawnServer(dataDir, tmpDir, socket, port, errorLog);
    try {
      root = await waitForRoot(socket, options.readyTimeoutMs ?? 60_000, server.exitCode, errorLog);
      break;
    } catch (error) {
      const portTaken =
        server.exitCode() !== null && /Address already in use|Bind on TCP\/IP port/.test(logTail(errorLog));
      if (!portTaken || typeof options.port === 'number' || attempt >= 3) throw error;
    }
  }
  try {
    await root.query(
      `CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
    );
    await root.query('CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', [user, '127.0.0.1', options.password]);
    await root.query('ALTER USER ?@? IDENTIFIED BY ?', [user, '127.0.0.1', options.password]);
    await root.query(`GRANT ALL PRIVILEGES ON \`${database}\`.* TO ?@?`, [user, '127.0.0.1']);
  } finally {
    await root.end();
  }
  const { child, exitCode, exited } = server;
  const url = `mysql://${encodeURIComponent(user)}:${encodeURIComponent(options.password)}@127.0.0.1:${port}/${database}`;
  return {
    url,
    pid: child.pid!,
    async stop() {
      if (exitCode() !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

interface StartedServer {
  readonly child: ChildProcess;
  readonly exitCode: () => number | null;
  readonly exited: Promise<void>;
}

function spawnServer(
  dataDir: string,
  tmpDir: string,
  socket: string,
  port: number,
  errorLog: string,
): StartedServer {
  const child: ChildProcess = spawn(
    'mariadbd',
    [
      '--no-defaults',
      `--datadir=${dataDir}`,
      `--tmpdir=${tmpDir}`,
      `--socket=${socket}`,
      `--port=${port}`,
      `--pid-file=${join(dataDir, 'mariadbd.pid')}`,
      `--log-error=${errorLog}`,
      '--user=root',
      ...SERVER_FLAGS,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  logChildOutput(child, join(dataDir, 'server.log'));
  let code: number | null = null;
  const exited = new Promise<void>((r) =>
    child.once('exit', (exit) => {
      code = exit ?? -1;
      r();
    }),
  );
  return { child, exitCode: () => code, exited };
}

/** The last lines of the server's error log ('' if there is none yet). */
function logTail(errorLog: string, lines = 8): string {
  try {
    return readFileSync(errorLog, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function waitForRoot(
  socket: string,
  timeoutMs: number,
  exitCode: () => number | null,
  errorLog: string,
): Promise<mysql.Connection> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // The log goes into the message: the test folder holding it is removed after the run.
    if (exitCode() !== null)
      throw new Error(`mariadbd exited (code ${exitCode()}); ${errorLog} ends with:\n${logTail(errorLog)}`);
    try {
      return await mysql.createConnection({ socketPath: socket, user: 'root' });
    } catch {
      if (Date.now() > deadline)
        throw new Error(`mariadbd did not accept connections within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
