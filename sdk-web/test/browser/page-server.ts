// Serves the test page and the built IIFE bundle on 127.0.0.1 (a real origin, so localStorage
// and sendBeacon behave as on a bank's site).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startPageServer(
  bundlePath: string,
  page: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/tally.iife.js')) {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(readFileSync(bundlePath));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}
