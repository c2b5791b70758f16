// Logging in through the real login route and replaying the session like a browser: the cookie
// plus the X-CSRF-Token header on state-changing calls.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { DEMO_PASSWORD } from '../../../src/staff/seed-demo.ts';

export interface Caller {
  readonly name: string;
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
}

export async function loginAs(
  app: FastifyInstance,
  username: string,
  password = DEMO_PASSWORD,
  remoteAddress = '127.0.0.1',
): Promise<Caller & { cookie: string; csrf: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { username, password },
    remoteAddress,
  });
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'tally_session' || c.name === '__Host-tally_session');
  if (!cookie) throw new Error('no session cookie');
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  return {
    name: username,
    cookie: cookie.value,
    csrf,
    request: (options) =>
      app.inject({
        remoteAddress,
        ...options,
        cookies: { [cookie.name]: cookie.value, ...(options.cookies ?? {}) },
        headers: { 'x-csrf-token': csrf, ...(options.headers ?? {}) },
      }),
  };
}

export function withToken(app: FastifyInstance, name: string, token: string): Caller {
  return {
    name,
    request: (options) =>
      app.inject({ ...options, headers: { authorization: `Bearer ${token}`, ...(options.headers ?? {}) } }),
  };
}
