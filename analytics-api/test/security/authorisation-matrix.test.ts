// Calls EVERY route the app registered (taken from app.routeCatalogue, so a route added by any
// feature is covered without editing this file) as every role at every tier, as API tokens, as
// an SDK write key and as nobody, and asserts exactly who passes the permission gate. Then every
// route again with `?orgCode=` naming an org outside the caller's subtree, which must be refused.
// The expected matrix below is written by hand from the product's role design; it also pins
// permissions/role-matrix.ts, so a changed cell fails here until it is reviewed.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Permission } from '../../src/permissions/permission.ts';
import { ROLE_PERMISSIONS, type Role } from '../../src/permissions/role-matrix.ts';
import { type ApiStack, startApiStack } from './support/api-stack.ts';
import { createTieredCallers, reloginAll, type TieredCaller } from './support/callers.ts';
import { type Caller, loginAs, withToken } from './support/sessions.ts';

const EVERYONE: readonly Permission[] = ['public', 'session'];
const ALL: readonly Permission[] = [
  ...EVERYONE,
  'analysis.run',
  'analysis.export',
  'data.unmask',
  'metadata.read',
  'metadata.manage',
  'profile.read',
  'profile.write',
  'identity.manage',
  'data.delete',
  'org.manage',
  'staff.manage',
  'token.manage',
  'app.manage',
  'audit.read',
  'cohort.manage',
  'dashboard.manage',
  'campaign.manage',
];
const EXPECTED: Record<Role, readonly Permission[]> = {
  platform_admin: ALL,
  org_admin: ALL.filter((p) => p !== 'app.manage'),
  analyst: [
    ...EVERYONE,
    'analysis.run',
    'analysis.export',
    'metadata.read',
    'profile.read',
    'cohort.manage',
    'dashboard.manage',
  ],
  operator: [
    ...EVERYONE,
    'analysis.run',
    'metadata.read',
    'profile.read',
    'profile.write',
    'cohort.manage',
    'campaign.manage',
  ],
  viewer: [...EVERYONE, 'analysis.run', 'metadata.read'],
};

// Sample values for path parameters; unknown parameter names get a harmless placeholder.
const PARAM_SAMPLES: Record<string, string> = {
  code: 'B001-01',
  id: '999999',
  appId: 'mbank',
  field: 'phone',
  keyId: '0000000000000000',
};

function fill(url: string, orgCode = 'B001-01'): string {
  const samples: Record<string, string> = { ...PARAM_SAMPLES, code: orgCode };
  return url.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => samples[name] ?? 'x1').replace(/\*$/, 'x');
}

/** The error code of a response, if it has a JSON error body. */
function errorCode(res: { body: string }): string | undefined {
  try {
    return (JSON.parse(res.body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

let stack: ApiStack;
let staff: TieredCaller[];
let limitedToken: string;
let writeKey: string;

beforeAll(async () => {
  stack = await startApiStack();
  staff = await createTieredCallers(stack.app, stack.metadata.pool);
  const admin = await loginAs(stack.app, 'b001.admin');
  const created = await admin.request({
    method: 'POST',
    url: '/v1/tokens',
    payload: {
      label: 'matrix',
      orgCode: 'B001',
      scopes: ['analysis.run', 'metadata.read'],
      expiresInDays: 1,
    },
  });
  expect(created.statusCode).toBe(201);
  limitedToken = (created.json() as { token: string }).token;
  const platform = await loginAs(stack.app, 'admin');
  await platform.request({
    method: 'POST',
    url: '/v1/apps',
    payload: { id: 'mbank', name: '手机银行', ownerOrgCode: 'U00' },
  });
  const key = await platform.request({
    method: 'POST',
    url: '/v1/apps/mbank/write-keys',
    payload: { label: 'sdk' },
  });
  writeKey = (key.json() as { writeKey: string }).writeKey;
});

afterAll(async () => {
  await stack?.stop();
});

/** Routes in an order where side effects cannot disturb later calls (logout last). */
function routes() {
  const list = stack.app.routeCatalogue.filter((r) => r.method !== 'OPTIONS');
  return [...list].sort((a, b) => Number(a.url.endsWith('/logout')) - Number(b.url.endsWith('/logout')));
}

function call(caller: Caller, method: string, url: string, extra: Partial<InjectOptions> = {}) {
  return caller.request({
    method: method as InjectOptions['method'],
    url,
    payload: method === 'GET' || method === 'DELETE' ? undefined : {},
    ...extra,
  });
}

describe('authorisation matrix', () => {
  it('pins the role matrix to the hand-written expectation', () => {
    for (const role of Object.keys(EXPECTED) as Role[])
      expect([...ROLE_PERMISSIONS[role]].sort()).toEqual([...EXPECTED[role]].sort());
  });

  it('covers a meaningful set of routes', () => {
    const urls = routes().map((r) => `${r.method} ${r.url}`);
    expect(urls).toContain('POST /v1/staff');
    expect(urls).toContain('GET /v1/audit');
    expect(urls.length).toBeGreaterThan(25);
  });

  it('lets a caller through the gate exactly when their role holds the route permission', async () => {
    const failures: string[] = [];
    for (const route of routes()) {
      for (const caller of staff) {
        const res = await call(caller, route.method, fill(route.url, caller.orgCode));
        const code = errorCode(res);
        const allowed = EXPECTED[caller.role].includes(route.permission);
        const refused = res.statusCode === 401 || code === 'PERMISSION_DENIED';
        if (allowed === refused)
          failures.push(
            `${caller.name} ${route.method} ${route.url}: ${res.statusCode} ${code ?? ''} (expected ${allowed ? 'allowed' : 'refused'})`,
          );
        if (!allowed && (res.statusCode !== 403 || code !== 'PERMISSION_DENIED'))
          failures.push(`${caller.name} ${route.method} ${route.url}: refusal was ${res.statusCode} ${code}`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('holds a token to its scopes, and refuses write keys and anonymous callers', async () => {
    const token = withToken(stack.app, 'token', limitedToken);
    const wk = withToken(stack.app, 'write key', writeKey);
    const sdkHeader: Caller = {
      name: 'x-tally-key',
      request: (o) => stack.app.inject({ ...o, headers: { 'x-tally-key': writeKey } }),
    };
    const anonymous: Caller = { name: 'anonymous', request: (o) => stack.app.inject(o) };
    const failures: string[] = [];
    for (const route of routes()) {
      const url = fill(route.url);
      const t = await call(token, route.method, url);
      const tokenAllowed = ['public', 'session', 'analysis.run', 'metadata.read'].includes(route.permission);
      const tCode = errorCode(t);
      if (tokenAllowed === (t.statusCode === 401 || tCode === 'PERMISSION_DENIED'))
        failures.push(`token ${route.method} ${route.url}: ${t.statusCode} ${tCode}`);
      if (route.permission === 'public') continue;
      for (const [caller, expected] of [
        [wk, 'WRITE_KEY_NOT_ACCEPTED'],
        [sdkHeader, 'WRITE_KEY_NOT_ACCEPTED'],
        [anonymous, 'NOT_AUTHENTICATED'],
      ] as const) {
        const res = await call(caller, route.method, url);
        const code = errorCode(res);
        if (res.statusCode !== 401 || code !== expected)
          failures.push(`${caller.name} ${route.method} ${route.url}: ${res.statusCode} ${code}`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('never shows a caller anything of the other bank on any GET route', async () => {
    // Data of both banks exists: staff, an app owned by B002, tokens, audit entries of both.
    const b2 = await loginAs(stack.app, 'b002.admin');
    await b2.request({
      method: 'POST',
      url: '/v1/tokens',
      payload: { label: 'b2-etl', orgCode: 'B002', scopes: ['metadata.read'], expiresInDays: 1 },
    });
    const platform = await loginAs(stack.app, 'admin');
    await platform.request({
      method: 'POST',
      url: '/v1/apps',
      payload: { id: 'b2app', name: '西山手机银行', ownerOrgCode: 'B002' },
    });
    await platform.request({
      method: 'POST',
      url: '/v1/apps',
      payload: { id: 'b1app', name: '东城手机银行', ownerOrgCode: 'B001' },
    });
    // What each caller's org must never see, written from the demo tree.
    const forbidden: Record<string, readonly string[]> = {
      P01: ['B002', 'b002.', 'b2app', 'b2-etl', 'P02'],
      B001: ['B002', 'b002.', 'b2app', 'b2-etl', 'P02'],
      'B001-01': ['B002', 'b002.', 'b2app', 'b2-etl', 't.b001.', 'b001.admin'],
      B002: ['B001', 'b001', 'b1app', 'P01'],
    };
    staff = await reloginAll(stack.app, staff);
    const failures: string[] = [];
    for (const route of routes().filter((r) => r.method === 'GET' && r.permission !== 'public')) {
      for (const caller of staff) {
        const words = forbidden[caller.orgCode];
        if (!words) continue;
        const res = await call(caller, 'GET', fill(route.url, caller.orgCode));
        for (const word of words)
          if (res.body.includes(word))
            failures.push(`${caller.name} GET ${route.url}: response mentions ${word}`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('refuses ?orgCode outside the caller subtree on every route, and allows it inside', async () => {
    // Each caller's org -> an org outside their subtree and one inside it.
    const outside: Record<string, { foreign: string; inside: string | null }> = {
      U00: { foreign: 'NOPE', inside: 'B002' },
      P01: { foreign: 'B002', inside: 'B001' },
      B001: { foreign: 'B002', inside: 'B001-01' },
      'B001-01': { foreign: 'B001', inside: null },
      B002: { foreign: 'B001', inside: 'B002-01' },
    };
    staff = await reloginAll(stack.app, staff);
    const failures: string[] = [];
    for (const route of routes()) {
      if (route.permission === 'public') continue;
      for (const caller of staff) {
        if (!EXPECTED[caller.role].includes(route.permission)) continue;
        const plan = outside[caller.orgCode]!;
        const sep = route.url.includes('?') ? '&' : '?';
        const res = await call(caller, route.method, `${fill(route.url)}${sep}orgCode=${plan.foreign}`);
        const code = errorCode(res);
        if (res.statusCode !== 403 || code !== 'ORG_OUT_OF_SCOPE')
          failures.push(
            `${caller.name} ${route.method} ${route.url} orgCode=${plan.foreign}: ${res.statusCode} ${code}`,
          );
        if (plan.inside && route.method === 'GET') {
          const ok = await call(
            caller,
            route.method,
            `${fill(route.url, caller.orgCode)}${sep}orgCode=${plan.inside}`,
          );
          const okCode = errorCode(ok);
          if (okCode === 'ORG_OUT_OF_SCOPE')
            failures.push(`${caller.name} GET ${route.url} orgCode=${plan.inside} refused`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
