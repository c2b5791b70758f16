// Forwards /v1/* and /openapi.json to the analytics API on the same origin as the pages, so the
// SameSite=Strict session cookie and the CSRF header travel as they are. Streams both ways and
// never buffers or rewrites bodies; an unreachable API is a 502 in the API's error shape.
// Tells the API who the browser is: X-Forwarded-For is set to the address this server sees, and
// whatever forwarding headers the client sent are dropped (a client must not choose its address
// for the API's login throttling and audit log). The API believes the header only from the
// address this proxy connects from (its TRUST_PROXY; our TALLY_API_SOURCE_ADDRESS).
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connectionLeft } from '@tally/infra/http';

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

// Client-supplied forwarding headers: never passed on (X-Forwarded-For is set below).
const FORWARDING = new Set([
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
]);

/** The peer's address, without the IPv4-mapped IPv6 prefix (::ffff:10.0.0.1 -> 10.0.0.1). */
export function clientAddress(incoming: IncomingMessage): string {
  return (incoming.socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
}

export function isApiPath(path: string): boolean {
  return path.startsWith('/v1/') || path === '/openapi.json' || path === '/healthz';
}

export interface ApiTarget {
  readonly url: URL;
  /** Local address to connect from (see config.ts apiSourceAddress). */
  readonly sourceAddress?: string;
}

export function proxyToApi(target: ApiTarget, incoming: IncomingMessage, outgoing: ServerResponse): void {
  const api = target.url;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(incoming.headers))
    if (value !== undefined && !HOP.has(name) && !FORWARDING.has(name)) headers[name] = value;
  const client = clientAddress(incoming);
  if (client) headers['x-forwarded-for'] = client;
  const send = api.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send(
    {
      protocol: api.protocol,
      hostname: api.hostname,
      port: api.port,
      ...(target.sourceAddress ? { localAddress: target.sourceAddress } : {}),
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
  connectionLeft(outgoing).addEventListener('abort', () => upstream.destroy());
  incoming.pipe(upstream);
}
