// How a new route is kept from skipping the checks: the permissions plugin refuses to start an
// app with a route that declares no permission (at the root or inside a feature plugin), every
// registered route is in the catalogue the authorisation matrix walks, and request.audit and
// maskRows work from a feature route exactly as other engineers' routes will use them.
import { randomBytes } from 'node:crypto';
import cookie from '@fastify/cookie';
import type { ClickHouseClient } from '@tally/infra/clickhouse';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authPlugin } from '../../src/auth/routes.ts';
import { coreDecorators } from '../../src/core-decorators.ts';
import { createKeyring } from '../../src/crypto/keyring.ts';
import { installErrorHandler } from '../../src/errors/error-handler.ts';
import { maskRows } from '../../src/masking/mask-row.ts';
import { loadSensitiveFields, markSensitive } from '../../src/masking/sensitive-fields.ts';
import { enforcePermissions } from '../../src/permissions/enforce-plugin.ts';
import { type ApiStack, startApiStack, testConfig } from './support/api-stack.ts';
import { loginAs } from './support/sessions.ts';

let stack: ApiStack;
beforeAll(async () => {
  stack = await startApiStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function bareApp(): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  installErrorHandler(app);
  const config = testConfig();
  await app.register(coreDecorators, {
    config,
    clickhouse: stack.clickhouse as ClickHouseClient,
    metadata: stack.metadata,
    keyring: createKeyring([{ id: 'k1', key: randomBytes(32) }], 'k1'),
  });
  await app.register(cookie);
  await app.register(enforcePermissions);
  await app.register(authPlugin, { prefix: '/v1/auth' });
  return app;
}

describe('routes without a permission', () => {
  it('stop the app at the root', async () => {
    const app = await bareApp();
    expect(() => app.get('/naked', async () => 'x')).toThrow(/declares no valid config.permission/);
    await app.close();
  });

  it('stop the app inside a prefixed feature plugin', async () => {
    const app = await bareApp();
    app.register(
      async (feature) => {
        feature.get('/rows', async () => []);
      },
      { prefix: '/v1/feature' },
    );
    await expect(app.ready()).rejects.toThrow(/GET \/v1\/feature\/rows declares no valid/);
  });

  it('stop the app when the permission is not in the catalogue', async () => {
    const app = await bareApp();
    expect(() =>
      app.get('/typo', { config: { permission: 'analysis.runn' as 'analysis.run' } }, async () => 'x'),
    ).toThrow();
    await app.close();
  });

  it('are listed, every one, in the catalogue of the real app', () => {
    for (const route of stack.app.routeCatalogue) {
      expect(stack.app.hasRoute({ method: route.method as 'GET', url: route.url })).toBe(true);
      expect(route.permission).toBeTruthy();
    }
  });
});

describe('a feature route using the request helpers', () => {
  it('masks rows, unmasks only for data.unmask, and audits the unmasking', async () => {
    await stack.metadata.pool.query(
      "INSERT INTO apps (id, name, owner_org_code) VALUES ('mbank', 'm', 'U00')",
    );
    await markSensitive(stack.metadata.pool, 'mbank', 'phone', 'phone');
    const app = await bareApp();
    await app.register(
      async (feature) => {
        feature.get<{ Querystring: { unmask?: string } }>(
          '/detail',
          { config: { permission: 'analysis.export' } },
          async (request) => {
            const rows = [{ person: 'p1', phone: '13812345678', bank_code: request.orgScope.bankCodes }];
            const sensitive = await loadSensitiveFields(feature.metadata.pool, 'mbank');
            const out = await maskRows(request, rows, sensitive, {
              purpose: 'detail',
              unmask: request.query.unmask === '1',
            });
            await request.audit('export.detail', { rows: out.length });
            return out;
          },
        );
      },
      { prefix: '/v1/feature' },
    );
    await app.ready();
    const analyst = await loginAs(app, 'b001.analyst');
    const admin = await loginAs(app, 'b001.admin');
    expect((await analyst.request({ method: 'GET', url: '/v1/feature/detail?unmask=1' })).json()).toEqual([
      { person: 'p1', phone: '138****5678', bank_code: ['B001'] },
    ]);
    expect((await admin.request({ method: 'GET', url: '/v1/feature/detail?unmask=1' })).json()).toEqual([
      { person: 'p1', phone: '13812345678', bank_code: ['B001'] },
    ]);
    const viewer = await loginAs(app, 'b001.viewer');
    expect((await viewer.request({ method: 'GET', url: '/v1/feature/detail' })).statusCode).toBe(403);
    const [rows] = await stack.metadata.pool.query(
      "SELECT actor_name, action, details FROM audit_log WHERE action IN ('data.unmask', 'export.detail') ORDER BY id",
    );
    expect(rows).toEqual([
      { actor_name: 'b001.analyst', action: 'export.detail', details: '{"rows":1}' },
      {
        actor_name: 'b001.admin',
        action: 'data.unmask',
        details: '{"purpose":"detail","fields":["phone"],"rows":1}',
      },
      { actor_name: 'b001.admin', action: 'export.detail', details: '{"rows":1}' },
    ]);
    await app.close();
  });
});
