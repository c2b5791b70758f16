// Serves the built console from dist/: hashed assets cached for a year, index.html never cached
// (so a new build is picked up), and every other path answered with index.html (client routes
// like /dashboards/3). Paths are resolved inside dist/ only; anything escaping it is a 404.
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

// The API sets its own headers; the console pages get a strict policy of their own.
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

export function serveStatic(dist: string, request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://console');
  let relative: string;
  try {
    relative = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
  } catch {
    response.writeHead(400).end();
    return;
  }
  let file = join(dist, relative);
  if (!file.startsWith(dist + sep) && file !== dist) {
    response.writeHead(404).end();
    return;
  }
  const isAsset = relative.startsWith(`assets${sep}`);
  if (!existsSync(file) || statSync(file).isDirectory()) {
    if (isAsset) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    file = join(dist, 'index.html');
  }
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  response.writeHead(200, {
    'content-type': type,
    'cache-control': isAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...PAGE_HEADERS,
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  createReadStream(file).pipe(response);
}
