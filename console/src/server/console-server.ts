// The console's HTTP server: built assets plus the API proxy on one origin. Exported so tests
// start it in-process on a free port; main.ts is the process entry.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { isApiPath, proxyToApi } from './api-proxy.ts';
import type { ConsoleConfig } from './config.ts';
import { ensureBuilt } from './ensure-built.ts';
import { serveStatic } from './static-files.ts';

export interface ConsoleServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startConsoleServer(
  config: ConsoleConfig,
  log?: (line: string) => void,
): Promise<ConsoleServer> {
  await ensureBuilt(config.root, log);
  const dist = join(config.root, 'dist');
  const api = {
    url: config.apiUrl,
    ...(config.apiSourceAddress ? { sourceAddress: config.apiSourceAddress } : {}),
  };
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (isApiPath(path)) proxyToApi(api, request, response);
    else if (request.method === 'GET' || request.method === 'HEAD') serveStatic(dist, request, response);
    else response.writeHead(405, { allow: 'GET, HEAD' }).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${config.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
