// HTTPS from a configured certificate (a self-signed one made with openssl for the test) with
// Secure cookies and HSTS, and the real entry file (src/main.ts) booting from environment
// variables against MariaDB and chdb: migrations, retention TTL, then serving.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServiceProcess } from '@tally/infra/embedded';
import { freePort, selfSignedCertificate } from '@tally/testbed/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { DEMO_PASSWORD } from '../../src/staff/seed-demo.ts';
import { type ApiStack, startApiStack } from './support/api-stack.ts';

let stack: ApiStack;
let dir: string;
beforeAll(async () => {
  stack = await startApiStack();
  dir = mkdtempSync(join(tmpdir(), 'tally-tls-'));
  selfSignedCertificate(dir);
});
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function httpsPost(
  url: string,
  ca: Buffer,
  body: object,
): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', ca, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('HTTPS', () => {
  it('serves the API over TLS with a Secure session cookie and HSTS', async () => {
    const cert = readFileSync(join(dir, 'cert.pem'));
    const app = await buildApp({
      config: { ...stack.config, cookieSecure: true },
      clickhouse: stack.clickhouse,
      metadata: stack.metadata,
      logger: false,
      tls: { cert, key: readFileSync(join(dir, 'key.pem')) },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const port = (app.server.address() as { port: number }).port;
      const res = await httpsPost(`https://127.0.0.1:${port}/v1/auth/login`, cert, {
        username: 'b001.viewer',
        password: DEMO_PASSWORD,
      });
      expect(res.status).toBe(200);
      expect(String(res.headers['set-cookie'])).toMatch(
        /^__Host-tally_session=.*; Path=\/; .*HttpOnly; Secure; SameSite=Strict/,
      );
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
    } finally {
      await app.close();
    }
  });
});

describe('main.ts', () => {
  it('boots from the environment, migrates, syncs retention and serves', async () => {
    const port = await freePort();
    const service = await startServiceProcess({
      name: 'analytics-api',
      entry: fileURLToPath(new URL('../../src/main.ts', import.meta.url)),
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        CLICKHOUSE_URL: stack.clickhouseUrl,
        CLICKHOUSE_USER: 'tally',
        CLICKHOUSE_PASSWORD: 'ch-test',
        MYSQL_URL: stack.config.mysqlUrl,
        TALLY_SECRET_KEYS: `k1:${randomBytes(32).toString('base64')}`,
        LOG_LEVEL: 'warn',
      },
      readyUrl: `http://127.0.0.1:${port}/healthz`,
      logFile: join(dir, 'api.log'),
    });
    try {
      const login = await fetch(`http://127.0.0.1:${port}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: DEMO_PASSWORD }),
      });
      expect(login.status).toBe(200);
      const openapi = (await (await fetch(`http://127.0.0.1:${port}/openapi.json`)).json()) as {
        paths: object;
      };
      expect(Object.keys(openapi.paths)).toContain('/v1/staff/');
      const res = await stack.clickhouse.query({
        query: 'SHOW CREATE TABLE events',
        format: 'TabSeparatedRaw',
      });
      expect(await res.text()).toContain('TTL');
    } finally {
      await service.stop();
    }
  });

  it('refuses to start without a secret key', async () => {
    const port = await freePort();
    await expect(
      startServiceProcess({
        name: 'analytics-api',
        entry: fileURLToPath(new URL('../../src/main.ts', import.meta.url)),
        env: {
          PORT: String(port),
          MYSQL_URL: stack.config.mysqlUrl,
          TALLY_SECRET_KEYS: '',
          TALLY_SECRET_KEY: '',
        },
        readyUrl: `http://127.0.0.1:${port}/healthz`,
        logFile: join(dir, 'api-nokey.log'),
        readyTimeoutMs: 30_000,
      }),
    ).rejects.toThrow();
    expect(readFileSync(join(dir, 'api-nokey.log'), 'utf8')).toContain('TALLY_SECRET_KEYS');
  });
});
