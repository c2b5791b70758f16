// The embedded ClickHouse server: ClickHouse's HTTP interface (the part @clickhouse/client uses)
// in front of the chdb engine, so Tally's services talk to a laptop's engine and to a production
// cluster through the same client code. Listens on loopback by default and checks a user and
// password on every request; never runs a statement for an unauthenticated caller. As on
// ClickHouse, a read-only statement (`readonly` > 0; a GET by default) whose client hangs up is
// stopped when the request says `cancel_http_readonly_queries_on_client_close=1`.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Session } from 'chdb';
import { connectionLeft } from '../http/connection-left.ts';
import { describeEngineError, ServerError, statusForCode } from './clickhouse-error.ts';
import { type EngineLanes, openEngineLanes } from './engine-lanes.ts';
import { parseClickHouseRequest } from './http-request.ts';

export interface ChdbServerOptions {
  readonly dataDir: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly user: string;
  readonly password: string;
  /** Database created at start and used when a request names none. */
  readonly database?: string;
  /** Engine sessions; one is reserved for inserts. */
  readonly sessions?: number;
  /** Requests allowed to wait per session before the server answers "too many queries". */
  readonly maxQueuedPerSession?: number;
  readonly maxBodyBytes?: number;
  /** Apply fsync_after_insert: survive power loss, at a cost in insert speed. */
  readonly fsyncAfterInsert?: boolean;
}

export interface ChdbServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const VERSION = '26.7';

export async function startChdbServer(options: ChdbServerOptions): Promise<ChdbServer> {
  const database = options.database ?? 'tally';
  // Create the database before the lanes open, so every lane can USE it.
  const bootstrap = new Session(options.dataDir);
  await bootstrap.queryAsync(`CREATE DATABASE IF NOT EXISTS ${database}`);
  bootstrap.close();
  const lanes = openEngineLanes(options.dataDir, options.sessions ?? 4, options.maxQueuedPerSession ?? 256);
  const expected = Buffer.from(`${options.user}\u0000${options.password}`);

  const server = createServer({ maxHeaderSize: 1 << 20 }, (req, res) => {
    void handle(req, res).catch((error: unknown) => sendError(res, error, ''));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/ping') {
      // The pid tells the process that started this server that it is talking to its own child,
      // not to another server that got the port first.
      res.writeHead(200, { 'content-type': 'text/plain', 'x-tally-pid': String(process.pid) }).end('Ok.\n');
      return;
    }
    if (url.pathname !== '/' || (req.method !== 'POST' && req.method !== 'GET')) {
      throw new ServerError(36, 'BAD_ARGUMENTS', `There is no handle ${url.pathname}`);
    }
    if (!authenticated(req, url)) {
      req.resume();
      throw new ServerError(
        516,
        'AUTHENTICATION_FAILED',
        `${options.user}: Authentication failed: password is incorrect, or there is no user with such name.`,
      );
    }
    const request = await parseClickHouseRequest(
      req,
      url,
      database,
      options.maxBodyBytes ?? 512 * 1024 * 1024,
    );
    const settings = new Map(request.settings);
    if (options.fsyncAfterInsert && request.isInsert) settings.set('fsync_after_insert', '1');
    try {
      const result = await lanes.run({
        ...request,
        settings,
        ...(request.cancelOnClose ? { cancelled: connectionLeft(res) } : {}),
      });
      res.writeHead(200, {
        'content-type': 'text/plain; charset=UTF-8',
        'x-clickhouse-query-id': request.queryId,
        'x-clickhouse-format': request.format,
        'x-clickhouse-server-display-name': 'tally-chdb',
        'x-clickhouse-summary': JSON.stringify({
          read_rows: String(result.rowsRead),
          read_bytes: String(result.bytesRead),
          written_rows: '0',
          written_bytes: '0',
          total_rows_to_read: '0',
          result_rows: '0',
          result_bytes: String(result.body.length),
          elapsed_ns: String(Math.round(result.elapsedS * 1e9)),
        }),
      });
      res.end(result.body);
    } catch (error) {
      sendError(res, error, request.queryId);
    }
  }

  function authenticated(req: IncomingMessage, url: URL): boolean {
    let user = req.headers['x-clickhouse-user'] as string | undefined;
    let password = req.headers['x-clickhouse-key'] as string | undefined;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      user = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
    user ??= url.searchParams.get('user') ?? 'default';
    password ??= url.searchParams.get('password') ?? '';
    const given = Buffer.from(`${user}\u0000${password}`);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await lanes.close();
    },
  };
}

function sendError(res: ServerResponse, error: unknown, queryId: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { code, text } =
    error instanceof ServerError
      ? {
          code: error.code,
          text: `Code: ${error.code}. DB::Exception: ${error.message}. (${error.codeName})`,
        }
      : describeEngineError(error);
  res.writeHead(statusForCode(code), {
    'content-type': 'text/plain; charset=UTF-8',
    'x-clickhouse-exception-code': String(code),
    ...(queryId ? { 'x-clickhouse-query-id': queryId } : {}),
  });
  res.end(`${text} (version ${VERSION})\n`);
}

export type { EngineLanes };
