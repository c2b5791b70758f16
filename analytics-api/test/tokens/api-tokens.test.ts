// API tokens and SDK write keys against the real API: scopes never exceed the creator's, tokens
// stay inside their org subtree, are stored hashed, and expired, revoked or forged tokens and
// write keys are refused with 401.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, startApiStack } from '../security/support/api-stack.ts';
import { type Caller, loginAs, withToken } from '../security/support/sessions.ts';

let stack: ApiStack;
let bankAdmin: Caller;
beforeAll(async () => {
  stack = await startApiStack();
  bankAdmin = await loginAs(stack.app, 'b001.admin');
});
afterAll(async () => {
  await stack?.stop();
});

async function create(caller: Caller, payload: Record<string, unknown>) {
  return caller.request({
    method: 'POST',
    url: '/v1/tokens',
    payload: { label: 'etl', orgCode: 'B001', scopes: ['metadata.read'], expiresInDays: 30, ...payload },
  });
}

describe('API tokens', () => {
  it('acts as its org node with its scopes only, and is stored hashed', async () => {
    const res = await create(bankAdmin, { scopes: ['metadata.read', 'staff.manage'] });
    expect(res.statusCode).toBe(201);
    const { token } = res.json() as { token: string };
    expect(token).toMatch(/^tly_[A-Za-z0-9_-]{43}$/);
    const machine = withToken(stack.app, 'etl', token);
    const who = await machine.request({ method: 'GET', url: '/v1/auth/whoami' });
    expect(who.json()).toMatchObject({
      kind: 'token',
      orgCode: 'B001',
      permissions: ['metadata.read', 'staff.manage'],
    });
    const staff = (await machine.request({ method: 'GET', url: '/v1/staff' })).json() as {
      staff: Array<{ orgCode: string }>;
    };
    expect(new Set(staff.staff.map((s) => s.orgCode))).toEqual(new Set(['B001', 'B001-01']));
    expect((await machine.request({ method: 'GET', url: '/v1/audit' })).statusCode).toBe(403);
    expect((await machine.request({ method: 'GET', url: '/v1/staff?orgCode=B002' })).statusCode).toBe(403);
    // No CSRF for tokens (not an ambient credential), but still the permission gate.
    const post = await machine.request({
      method: 'POST',
      url: '/v1/orgs',
      payload: { code: 'B001-05', name: 'x', tier: 'branch', parentCode: 'B001' },
    });
    expect(post.json()).toMatchObject({ error: { code: 'PERMISSION_DENIED' } });
    const [rows] = await stack.metadata.pool.query('SELECT token_hash FROM api_tokens');
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('never gets more than its creator, another bank, or more than a year', async () => {
    expect((await create(bankAdmin, { scopes: ['app.manage'] })).json()).toMatchObject({
      error: { code: 'TOKEN_SCOPE_NOT_GRANTABLE' },
    });
    expect((await create(bankAdmin, { orgCode: 'B002' })).json()).toMatchObject({
      error: { code: 'ORG_OUT_OF_SCOPE' },
    });
    expect((await create(bankAdmin, { expiresInDays: 400 })).statusCode).toBe(400);
    expect((await create(bankAdmin, { scopes: ['public'] })).statusCode).toBe(400);
    const analyst = await loginAs(stack.app, 'b001.analyst');
    expect((await create(analyst, {})).statusCode).toBe(403);
  });

  it('refuses expired, revoked and forged tokens', async () => {
    const { token, info } = (await create(bankAdmin, {})).json() as { token: string; info: { id: string } };
    const machine = withToken(stack.app, 'etl', token);
    expect((await machine.request({ method: 'GET', url: '/v1/apps' })).statusCode).toBe(200);
    await stack.metadata.pool.query("UPDATE api_tokens SET expires_at = '2000-01-01' WHERE id = ?", [
      info.id,
    ]);
    expect((await machine.request({ method: 'GET', url: '/v1/apps' })).json()).toMatchObject({
      error: { code: 'TOKEN_INVALID' },
    });

    const second = (await create(bankAdmin, {})).json() as { token: string; info: { id: string } };
    const b002 = await loginAs(stack.app, 'b002.admin');
    expect((await b002.request({ method: 'DELETE', url: `/v1/tokens/${second.info.id}` })).statusCode).toBe(
      404,
    );
    expect(
      (await bankAdmin.request({ method: 'DELETE', url: `/v1/tokens/${second.info.id}` })).statusCode,
    ).toBe(204);
    expect(
      (await withToken(stack.app, 'x', second.token).request({ method: 'GET', url: '/v1/apps' })).statusCode,
    ).toBe(401);

    for (const forged of [
      `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`,
      'tly_',
      "tly_x' OR 1=1 --",
    ]) {
      const res = await stack.app.inject({
        method: 'GET',
        url: '/v1/apps',
        headers: { authorization: `Bearer ${forged}` },
      });
      expect(res.statusCode).toBe(401);
    }
    const basic = await stack.app.inject({
      method: 'GET',
      url: '/v1/apps',
      headers: { authorization: 'Basic YWRtaW46eA==' },
    });
    expect(basic.statusCode).toBe(401);
  });

  it('refuses SDK write keys on the API', async () => {
    const platform = await loginAs(stack.app, 'admin');
    await platform.request({
      method: 'POST',
      url: '/v1/apps',
      payload: { id: 'mbank', name: '手机银行', ownerOrgCode: 'U00' },
    });
    const { writeKey } = (
      await platform.request({ method: 'POST', url: '/v1/apps/mbank/write-keys', payload: { label: 'sdk' } })
    ).json() as {
      writeKey: string;
    };
    const res = await withToken(stack.app, 'wk', writeKey).request({ method: 'GET', url: '/v1/apps' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'WRITE_KEY_NOT_ACCEPTED' } });
  });

  it('audits token creation and revocation', async () => {
    const [rows] = await stack.metadata.pool.query(
      "SELECT action FROM audit_log WHERE action LIKE 'token.%' ORDER BY id",
    );
    expect((rows as Array<{ action: string }>).map((r) => r.action)).toEqual([
      'token.create',
      'token.create',
      'token.create',
      'token.revoke',
    ]);
  });
});
