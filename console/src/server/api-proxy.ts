// Forwards /v1/* and /openapi.json to the analytics API on the same origin as the pages, so the
// SameSite=Strict session cookie and the CSRF header travel as they are. Streams both ways and
// never buffers or rewrites bodies; an unreachable API is a 502 in the API's error shape.
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';

// Hop-by-hop headers (RFC 9110 §7.6.1) are not forwarded.
const HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
]);

export function isApiPath(path: string): boolean {
  return path.startsWith('/v1/') || path === '/openapi.json' || path === '/healthz';
}

export function proxyToApi(api: URL, incoming: IncomingMessage, outgoing: ServerResponse): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(incoming.headers))
    if (value !== undefined && !HOP.has(name)) headers[name] = value;
  const send = api.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send(
    {
      protocol: api.protocol,
      hostname: api.hostname,
      port: api.port,
      method: incoming.method,
      path: incoming.url,
      headers,
    },
    (answer) => {
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers))
        if (value !== undefined && !HOP.has(name)) out[name] = value;
      outgoing.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(outgoing);
    },
  );
  upstream.on('error', () => {
    if (outgoing.headersSent) {
      outgoing.destroy();
      return;
    }
    outgoing.writeHead(502, { 'content-type': 'application/json' });
    outgoing.end(
      JSON.stringify({ error: { code: 'API_UNAVAILABLE', message: 'The analytics API is not reachable' } }),
    );
  });
  // A browser that goes away (a cancelled query) aborts the upstream request too.
  incoming.on('aborted', () => upstream.destroy());
  outgoing.on('close', () => {
    if (!outgoing.writableFinished) upstream.destroy();
  });
  incoming.pipe(upstream);
}
