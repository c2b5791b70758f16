// Every string input of the admin APIs (auth, orgs, staff, tokens, audit, apps) fed with SQL and
// ClickHouse injection payloads, path traversal, control characters and oversized values. Each
// must be refused with a 4xx or, for free-text fields, stored byte for byte; nothing may answer
// 5xx, take the time a SLEEP() payload asks for, or change the schema. Then header and body
// tricks: forged proxy headers, method override, prototype pollution, wrong content types,
// duplicated parameters, huge bodies and credentials.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, startApiStack } from './support/api-stack.ts';
import { type Caller, loginAs } from './support/sessions.ts';

const PAYLOADS = [
  "' OR '1'='1",
  "'; DROP TABLE staff; --",
  "B001' UNION SELECT password_hash FROM staff -- ",
  '1; SELECT SLEEP(5)',
  "1' AND SLEEP(5) AND '1'='1",
  '" OR ""="',
  "\\'; DELETE FROM orgs; --",
  '%',
  '_',
  "') OR 1=1 FORMAT JSON --",
  '{scope_banks:Array(String)}',
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  'a\u0000b',
  'line\r\nSet-Cookie: tally_session=evil',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal text is the attack (log4shell)
  '${jndi:ldap://x/a}',
  '<script>alert(1)</script>',
  'Ｂ００１',
  '张'.repeat(201),
  'A'.repeat(100_000),
  '',
];

let stack: ApiStack;
let platform: Caller;
let bankAdmin: Caller;
let tableCountBefore = 0;
let b002StaffId = '';

beforeAll(async () => {
  stack = await startApiStack();
  platform = await loginAs(stack.app, 'admin');
  bankAdmin = await loginAs(stack.app, 'b001.admin');
  await platform.request({
    method: 'POST',
    url: '/v1/apps',
    payload: { id: 'mbank', name: 'm', ownerOrgCode: 'U00' },
  });
  const [tables] = await stack.metadata.pool.query<RowDataPacket[]>('SHOW TABLES');
  tableCountBefore = tables.length;
  const [rows] = await stack.metadata.pool.query<RowDataPacket[]>(
    "SELECT id FROM staff WHERE username = 'b002.analyst'",
  );
  b002StaffId = String(rows[0]!.id);
});
afterAll(async () => {
  await stack?.stop();
});

interface Input {
  readonly name: string;
  readonly caller: () => Caller;
  request(value: string, i: number): InjectOptions;
  /** For free-text fields: reads back what was stored, to compare with what was sent. */
  stored?(value: string, i: number): Promise<string | undefined>;
  /** Search filters: any string is a legal (if fruitless) filter, so 200 is fine. */
  readonly filter?: true;
  /** Payloads that happen to be legal values of a structured input. */
  readonly legal?: readonly string[];
}

const enc = encodeURIComponent;
async function one(sql: string, params: unknown[]): Promise<string | undefined> {
  const [rows] = await stack.metadata.pool.query<RowDataPacket[]>(sql, params);
  return rows[0] ? String(Object.values(rows[0])[0]) : undefined;
}

const INPUTS: Input[] = [
  {
    name: 'login username',
    caller: () => anonymous(),
    request: (v) => ({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: v, password: 'Whatever-123' },
    }),
  },
  {
    name: 'login password',
    caller: () => anonymous(),
    request: (v) => ({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: 'b002.analyst', password: v },
    }),
  },
  {
    name: 'orgs ?orgCode',
    caller: () => bankAdmin,
    request: (v) => ({ method: 'GET', url: `/v1/orgs?orgCode=${enc(v)}` }),
  },
  {
    name: 'orgs/:code',
    caller: () => bankAdmin,
    request: (v) => ({ method: 'GET', url: `/v1/orgs/${enc(v)}` }),
    legal: [''],
  },
  {
    name: 'create org code',
    caller: () => bankAdmin,
    request: (v) => ({
      method: 'POST',
      url: '/v1/orgs',
      payload: { code: v, name: 'x', tier: 'branch', parentCode: 'B001' },
    }),
  },
  {
    name: 'create org name',
    caller: () => bankAdmin,
    request: (v, i) => ({
      method: 'POST',
      url: '/v1/orgs',
      payload: { code: `B001-I${i}`, name: v, tier: 'branch', parentCode: 'B001' },
    }),
    stored: (_v, i) => one('SELECT name FROM orgs WHERE code = ?', [`B001-I${i}`]),
  },
  {
    name: 'create org parentCode',
    caller: () => bankAdmin,
    request: (v) => ({
      method: 'POST',
      url: '/v1/orgs',
      payload: { code: 'B001-Z', name: 'x', tier: 'branch', parentCode: v },
    }),
  },
  {
    name: 'rename org',
    caller: () => bankAdmin,
    request: (v) => ({ method: 'PATCH', url: '/v1/orgs/B001-01', payload: { name: v } }),
    stored: () => one("SELECT name FROM orgs WHERE code = 'B001-01'", []),
  },
  {
    name: 'move org parentCode',
    caller: () => bankAdmin,
    request: (v) => ({ method: 'POST', url: '/v1/orgs/B001-01/move', payload: { parentCode: v } }),
  },
  {
    name: 'import org csv name',
    caller: () => bankAdmin,
    request: (v, i) => ({
      method: 'POST',
      url: '/v1/orgs/import',
      headers: { 'content-type': 'text/csv' },
      payload: `code,name,tier,parent_code\nB001-C${i},"${v.replaceAll('"', '""')}",branch,B001\n`,
    }),
    stored: (_v, i) => one('SELECT name FROM orgs WHERE code = ?', [`B001-C${i}`]),
  },
  {
    name: 'import org csv code',
    caller: () => bankAdmin,
    request: (v) => ({
      method: 'POST',
      url: '/v1/orgs/import',
      headers: { 'content-type': 'text/csv' },
      payload: `code,name,tier,parent_code\n"${v.replaceAll('"', '""')}",x,branch,B001\n`,
    }),
  },
  {
    name: 'staff ?orgCode',
    caller: () => bankAdmin,
    request: (v) => ({ method: 'GET', url: `/v1/staff?orgCode=${enc(v)}` }),
  },
  {
    name: 'staff/:id',
    caller: () => bankAdmin,
    request: (v) => ({ method: 'GET', url: `/v1/staff/${enc(v)}` }),
    legal: [''],
  },
  {
    name: 'create staff username',
    caller: () => bankAdmin,
    request: (v) => ({
      method: 'POST',
      url: '/v1/staff',
      payload: { username: v, orgCode: 'B001', roles: ['viewer'], password: 'Good-password-1' },
    }),
  },
  {
    name: 'create staff displayName',
    caller: () => bankAdmin,
    request: (v, i) => ({
      method: 'POST',
      url: '/v1/staff',
      payload: {
        username: `inj.${i}`,
        displayName: v,
        orgCode: 'B001',
        roles: ['viewer'],
        password: 'Good-password-1',
      },
    }),
    stored: (_v, i) => one('SELECT display_name FROM staff WHERE username = ?', [`inj.${i}`]),
  },
  {
    name: 'create staff password',
    caller: () => bankAdmin,
    request: (v) => ({
      method: 'POST',
      url: '/v1/staff',
      payload: { username: 'inj.pw', orgCode: 'B001', roles: ['viewer'], password: v },
    }),
    // Long enough, three character classes: a fine password, not an injection.
    legal: ["' OR '1'='1"],
  },
  {
    name: 'create staff orgCode',
    caller: () => bankAdmin,
    request: (v) => ({
      method: 'POST',
      url: '/v1/staff',
      payload: { username: 'inj.org', orgCode: v, roles: ['viewer'], password: 'Good-password-1' },
    }),
  },
  {
    name: 'create staff role',
    caller: () => bankAdmin,
    request: (v) => ({
      method: 'POST',
      url: '/v1/staff',
      payload: { username: 'inj.role', orgCode: 'B001', roles: [v], password: 'Good-password-1' },
    }),
  },
  {
    name: 'patch other-bank staff',
    caller: () => bankAdmin,
    request: (v) => ({ method: 'PATCH', url: `/v1/staff/${b002StaffId}`, payload: { displayName: v } }),
  },
  {
    name: 'reset password',
    caller: () => bankAdmin,
    request: (v) => ({
      method: 'POST',
      url: `/v1/staff/${enc(v)}/password`,
      payload: { newPassword: 'Good-password-1' },
    }),
  },
  {
    name: 'own password',
    caller: () => bankAdmin,
    request: (v) => ({
      method: 'POST',
      url: '/v1/auth/password',
      payload: { currentPassword: v, newPassword: v },
    }),
  },
  {
    name: 'token label',
    caller: () => bankAdmin,
    request: (v) => ({
      method: 'POST',
      url: '/v1/tokens',
      payload: { label: v, orgCode: 'B001', scopes: ['metadata.read'], expiresInDays: 1 },
    }),
    stored: (v) => one('SELECT label FROM api_tokens WHERE label = ? ORDER BY id DESC LIMIT 1', [v]),
  },
  {
    name: 'token orgCode',
    caller: () => bankAdmin,
    request: (v) => ({
      method: 'POST',
      url: '/v1/tokens',
      payload: { label: 'x', orgCode: v, scopes: ['metadata.read'], expiresInDays: 1 },
    }),
  },
  {
    name: 'token scope',
    caller: () => bankAdmin,
    request: (v) => ({
      method: 'POST',
      url: '/v1/tokens',
      payload: { label: 'x', orgCode: 'B001', scopes: [v], expiresInDays: 1 },
    }),
  },
  {
    name: 'revoke token id',
    caller: () => bankAdmin,
    request: (v) => ({ method: 'DELETE', url: `/v1/tokens/${enc(v)}` }),
  },
  ...['actor', 'action', 'from', 'to', 'beforeId', 'orgCode'].map(
    (field): Input => ({
      name: `audit ?${field}`,
      caller: () => bankAdmin,
      request: (v) => ({ method: 'GET', url: `/v1/audit?${field}=${enc(v)}` }),
      ...(field === 'actor' ? { filter: true as const } : {}),
      ...(field === 'action' ? { legal: ['_'] } : {}),
    }),
  ),
  {
    name: 'create app id',
    caller: () => platform,
    request: (v) => ({ method: 'POST', url: '/v1/apps', payload: { id: v, name: 'x', ownerOrgCode: 'U00' } }),
  },
  {
    name: 'app name',
    caller: () => platform,
    request: (v) => ({ method: 'PATCH', url: '/v1/apps/mbank', payload: { name: v } }),
    stored: () => one("SELECT name FROM apps WHERE id = 'mbank'", []),
  },
  {
    name: 'app defaultBankCode',
    caller: () => platform,
    request: (v) => ({ method: 'PATCH', url: '/v1/apps/mbank', payload: { defaultBankCode: v } }),
    legal: [''],
  },
  {
    name: 'app timeZone',
    caller: () => platform,
    request: (v) => ({
      method: 'POST',
      url: '/v1/apps',
      payload: { id: 'tz', name: 'x', ownerOrgCode: 'U00', timeZone: v },
    }),
  },
  {
    name: 'app ownerOrgCode',
    caller: () => platform,
    request: (v) => ({ method: 'POST', url: '/v1/apps', payload: { id: 'own', name: 'x', ownerOrgCode: v } }),
  },
  {
    name: 'app :appId',
    caller: () => platform,
    request: (v) => ({ method: 'GET', url: `/v1/apps/${enc(v)}/write-keys` }),
  },
  {
    name: 'write key label',
    caller: () => platform,
    request: (v) => ({ method: 'POST', url: '/v1/apps/mbank/write-keys', payload: { label: v } }),
    stored: (v) => one('SELECT label FROM app_write_keys WHERE label = ? LIMIT 1', [v]),
  },
  {
    name: 'write key :keyId',
    caller: () => platform,
    request: (v) => ({ method: 'DELETE', url: `/v1/apps/mbank/write-keys/${enc(v)}` }),
  },
  {
    name: 'sensitive :field',
    caller: () => platform,
    request: (v) => ({
      method: 'PUT',
      url: `/v1/apps/mbank/sensitive-fields/${enc(v)}`,
      payload: { kind: 'phone' },
    }),
    legal: ['_'],
  },
  {
    name: 'sensitive kind',
    caller: () => platform,
    request: (v) => ({ method: 'PUT', url: '/v1/apps/mbank/sensitive-fields/phone', payload: { kind: v } }),
  },
];

function anonymous(): Caller {
  return { name: 'anonymous', request: (o) => stack.app.inject({ remoteAddress: '10.77.0.1', ...o }) };
}

describe('string inputs', () => {
  it('refuse or store literally every payload, never 5xx, never slow', async () => {
    const failures: string[] = [];
    let i = 0;
    for (const input of INPUTS) {
      for (const value of PAYLOADS) {
        i += 1;
        const started = Date.now();
        const res: LightMyRequestResponse = await input.caller().request(input.request(value, i));
        const ms = Date.now() - started;
        const label = `${input.name} <- ${JSON.stringify(value.slice(0, 40))}`;
        if (res.statusCode >= 500) failures.push(`${label}: ${res.statusCode} ${res.body.slice(0, 200)}`);
        // Argon2 and MariaDB are slow-ish on a loaded box; a SLEEP(5) would still stand out.
        if (ms > 4000) failures.push(`${label}: took ${ms} ms`);
        if (res.statusCode < 300 && input.stored) {
          const stored = await input.stored(value, i);
          if (stored !== value) failures.push(`${label}: stored ${JSON.stringify(stored?.slice(0, 40))}`);
        } else if (res.statusCode < 300 && !input.filter && !input.legal?.includes(value)) {
          // Structured inputs (codes, ids, roles, passwords) have no payload that is a valid value.
          failures.push(`${label}: accepted with ${res.statusCode}`);
        }
        if (res.headers['set-cookie'] && String(res.headers['set-cookie']).includes('evil'))
          failures.push(`${label}: header injection`);
      }
    }
    expect(failures).toEqual([]);
  }, 600_000);

  it('left the schema and the other bank untouched', async () => {
    const [tables] = await stack.metadata.pool.query<RowDataPacket[]>('SHOW TABLES');
    expect(tables).toHaveLength(tableCountBefore);
    expect(await one("SELECT COUNT(*) FROM orgs WHERE bank_code = 'B002'", [])).toBe('2');
    expect(await one('SELECT display_name FROM staff WHERE id = ?', [b002StaffId])).toBe('');
    expect(await one("SELECT COUNT(*) FROM staff WHERE username = 'b002.admin'", [])).toBe('1');
  });
});

describe('header and body tricks', () => {
  it('refuses oversized bodies, wrong content types, prototype pollution and duplicated orgCode', async () => {
    const huge = await bankAdmin.request({
      method: 'POST',
      url: '/v1/orgs',
      payload: { code: 'B001-H', name: 'x'.repeat(3 * 1024 * 1024), tier: 'branch', parentCode: 'B001' },
    });
    expect(huge.statusCode).toBe(413);
    const form = await bankAdmin.request({
      method: 'POST',
      url: '/v1/orgs',
      payload: 'code=B001-T&name=x&tier=branch&parentCode=B001',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.statusCode).toBe(415);
    const text = await bankAdmin.request({
      method: 'POST',
      url: '/v1/orgs',
      payload: 'code=B001-T',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.statusCode).toBe(400);
    const proto = await bankAdmin.request({
      method: 'POST',
      url: '/v1/staff',
      payload:
        '{"username":"proto.user","orgCode":"B001","roles":["viewer"],"password":"Good-password-1","__proto__":{"roles":["platform_admin"]}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(proto.statusCode).toBe(400);
    const dup = await bankAdmin.request({ method: 'GET', url: '/v1/orgs?orgCode=B001&orgCode=B002' });
    expect(dup.statusCode).toBe(400);
    const extra = await bankAdmin.request({
      method: 'POST',
      url: '/v1/orgs',
      payload: { code: 'B001-E', name: 'x', tier: 'branch', parentCode: 'B001', path: '/U00/' },
    });
    expect(extra.statusCode).toBe(400);
  });

  it('ignores method-override headers and odd paths', async () => {
    const viewer = await loginAs(stack.app, 'b001.viewer');
    const res = await viewer.request({
      method: 'GET',
      url: '/v1/orgs',
      headers: { 'x-http-method-override': 'DELETE' },
    });
    expect(res.statusCode).toBe(200);
    for (const url of [
      '/v1/apps/..%2Fstaff/sensitive-fields',
      '/v1/orgs/..%2F..%2Fstaff',
      '/v1/apps/mbank/../../staff',
      '/v1//staff',
    ])
      expect([400, 403, 404]).toContain((await viewer.request({ method: 'GET', url })).statusCode);
  });

  it('refuses junk credentials with 401', async () => {
    for (const authorization of [
      'Bearer',
      `Bearer ${'x'.repeat(10_000)}`,
      'Bearer tly_a b',
      'bearer tly_x',
      "Bearer ' OR 1=1 --",
    ]) {
      const res = await stack.app.inject({ method: 'GET', url: '/v1/orgs', headers: { authorization } });
      expect(res.statusCode).toBe(401);
    }
    for (const cookie of ["' OR '1'='1", 'A'.repeat(4000), '%00']) {
      const res = await stack.app.inject({
        method: 'GET',
        url: '/v1/orgs',
        cookies: { tally_session: cookie },
      });
      expect(res.statusCode).toBe(401);
    }
  });
});
