// Password login, sessions and CSRF on a real MariaDB: cookie flags, lockout per account and per
// address (and that a forged X-Forwarded-For cannot dodge it unless a proxy is trusted), expired,
// idle, revoked and forged sessions, logout, password policy and change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/staff/seed-demo.ts';
import { type ApiStack, startApiStack } from '../security/support/api-stack.ts';
import { loginAs } from '../security/support/sessions.ts';

let stack: ApiStack;
beforeAll(async () => {
  stack = await startApiStack();
});
afterAll(async () => {
  await stack?.stop();
});

const login = (
  username: string,
  password: string,
  remoteAddress = '10.0.0.1',
  headers: Record<string, string> = {},
) =>
  stack.app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { username, password },
    remoteAddress,
    headers,
  });

async function auditActions(username: string): Promise<string[]> {
  const [rows] = await stack.metadata.pool.query(
    'SELECT action FROM audit_log WHERE actor_name = ? ORDER BY id',
    [username],
  );
  return (rows as Array<{ action: string }>).map((r) => r.action);
}

describe('login', () => {
  it('sets an httpOnly SameSite=Strict session cookie, not Secure on plain HTTP', async () => {
    const res = await login('b001.viewer', DEMO_PASSWORD);
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'tally_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie.secure).toBeUndefined();
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const body = res.json();
    expect(body).toMatchObject({ kind: 'staff', name: 'b001.viewer', orgCode: 'B001', roles: ['viewer'] });
    expect(body.permissions).toEqual(['analysis.run', 'metadata.read']);
    // Only the hash of the cookie is stored.
    const [rows] = await stack.metadata.pool.query('SELECT token_hash FROM staff_sessions');
    expect(JSON.stringify(rows)).not.toContain(cookie.value);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('uses a Secure __Host- cookie when COOKIE_SECURE is on', async () => {
    const secureApp = await stack.buildAnother({ cookieSecure: true });
    const res = await secureApp.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: 'b001.viewer', password: DEMO_PASSWORD },
    });
    const cookie = res.cookies.find((c) => c.name === '__Host-tally_session')!;
    expect(cookie).toMatchObject({ secure: true, httpOnly: true, path: '/' });
    expect(res.headers['strict-transport-security']).toContain('max-age=');
  });

  it('answers the same for an unknown user and a wrong password, and audits both', async () => {
    const unknown = await login('nobody.here', 'Whatever-123');
    const wrong = await login('b001.analyst', 'Wrong-password-1');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
    expect(await auditActions('nobody.here')).toEqual(['auth.login_failed']);
    expect(await auditActions('b001.analyst')).toEqual(['auth.login_failed']);
    await login('b001.analyst', DEMO_PASSWORD);
    expect(await auditActions('b001.analyst')).toEqual(['auth.login_failed', 'auth.login']);
  });

  it('locks an account after 5 failures, even for the right password, then lets it in after the lock', async () => {
    for (let i = 0; i < 5; i++)
      expect((await login('b002.analyst', `Wrong-pass-${i}x`, `10.1.0.${i}`)).statusCode).toBe(401);
    const locked = await login('b002.analyst', DEMO_PASSWORD, '10.1.1.1');
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ error: { code: 'LOGIN_LOCKED' } });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
    // Case and spaces do not make a new account key.
    expect((await login('B002.ANALYST', DEMO_PASSWORD, '10.1.1.2')).statusCode).toBe(429);
    expect(await auditActions('b002.analyst')).toContain('auth.login_locked');
    // The lock runs out (simulated by moving it into the past).
    await stack.metadata.pool.query(
      "UPDATE login_throttle SET locked_until = '2000-01-01' WHERE throttle_key = 'user:b002.analyst'",
    );
    expect((await login('b002.analyst', DEMO_PASSWORD, '10.1.1.3')).statusCode).toBe(200);
  });

  it('doubles the lock for an account that keeps failing', async () => {
    const username = 'b001.operator';
    for (let i = 0; i < 5; i++) await login(username, 'Wrong-pass-1x', `10.2.0.${i}`);
    const first = Number((await login(username, DEMO_PASSWORD, '10.2.1.1')).headers['retry-after']);
    await stack.metadata.pool.query(
      "UPDATE login_throttle SET locked_until = '2000-01-01' WHERE throttle_key = ?",
      [`user:${username}`],
    );
    for (let i = 0; i < 5; i++) await login(username, 'Wrong-pass-1x', `10.2.2.${i}`);
    const second = Number((await login(username, DEMO_PASSWORD, '10.2.3.1')).headers['retry-after']);
    expect(second).toBeGreaterThan(first * 1.9);
  });

  it('locks an address that tries many accounts; X-Forwarded-For does not dodge it without a trusted proxy', async () => {
    const ip = '10.3.0.1';
    for (let i = 0; i < 30; i++) {
      const res = await login(`spray.${i}`, 'Wrong-pass-1x', ip, { 'x-forwarded-for': `198.51.100.${i}` });
      expect(res.statusCode).toBe(401);
    }
    const blocked = await login('b001.viewer', DEMO_PASSWORD, ip, { 'x-forwarded-for': '203.0.113.9' });
    expect(blocked.statusCode).toBe(429);
    // The audit log recorded the real peer address, not the forged header.
    const [rows] = await stack.metadata.pool.query(
      "SELECT DISTINCT ip FROM audit_log WHERE actor_name LIKE 'spray.%'",
    );
    expect(rows).toEqual([{ ip }]);
    // Another address is unaffected.
    expect((await login('b001.viewer', DEMO_PASSWORD, '10.3.0.2')).statusCode).toBe(200);
  });

  it('uses X-Forwarded-For only when TRUST_PROXY is on', async () => {
    const proxied = await stack.buildAnother({ trustProxy: true });
    const res = await proxied.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: 'proxy.probe', password: 'Wrong-pass-1x' },
      remoteAddress: '10.4.0.1',
      headers: { 'x-forwarded-for': '203.0.113.77' },
    });
    expect(res.statusCode).toBe(401);
    const [rows] = await stack.metadata.pool.query(
      "SELECT ip FROM audit_log WHERE actor_name = 'proxy.probe'",
    );
    expect(rows).toEqual([{ ip: '203.0.113.77' }]);
  });

  it('validates the login body and names the field', async () => {
    const res = await stack.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', field: 'password' } });
    expect(res.json().error.message).toContain('required');
  });
});

describe('sessions', () => {
  it('refuses forged, expired, idle and revoked sessions', async () => {
    const forged = await stack.app.inject({
      method: 'GET',
      url: '/v1/auth/whoami',
      cookies: { tally_session: 'A'.repeat(43) },
    });
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ error: { code: 'SESSION_INVALID' } });

    const expired = await loginAs(stack.app, 'b001.analyst');
    await stack.metadata.pool.query(
      "UPDATE staff_sessions SET expires_at = '2000-01-01' WHERE token_hash = SHA2(?, 256)",
      [expired.cookie],
    );
    expect((await expired.request({ method: 'GET', url: '/v1/auth/whoami' })).statusCode).toBe(401);

    const idle = await loginAs(stack.app, 'b001.analyst');
    expect((await idle.request({ method: 'GET', url: '/v1/auth/whoami' })).statusCode).toBe(200);
    await stack.metadata.pool.query(
      'UPDATE staff_sessions SET last_seen_at = ? WHERE token_hash = SHA2(?, 256)',
      [new Date(Date.now() - 31 * 60_000), idle.cookie],
    );
    expect((await idle.request({ method: 'GET', url: '/v1/auth/whoami' })).statusCode).toBe(401);

    const out = await loginAs(stack.app, 'b001.analyst');
    expect((await out.request({ method: 'POST', url: '/v1/auth/logout' })).statusCode).toBe(204);
    expect((await out.request({ method: 'GET', url: '/v1/auth/whoami' })).statusCode).toBe(401);
  });

  it('requires the CSRF token on state-changing calls with a cookie session', async () => {
    const admin = await loginAs(stack.app, 'b001.admin');
    const payload = { code: 'B001-77', name: 'x', tier: 'branch', parentCode: 'B001' };
    const without = await admin.request({
      method: 'POST',
      url: '/v1/orgs',
      payload,
      headers: { 'x-csrf-token': '' },
    });
    expect(without.statusCode).toBe(403);
    expect(without.json()).toMatchObject({ error: { code: 'CSRF_TOKEN_INVALID' } });
    const other = await loginAs(stack.app, 'b001.admin');
    const wrong = await admin.request({
      method: 'POST',
      url: '/v1/orgs',
      payload,
      headers: { 'x-csrf-token': other.csrf },
    });
    expect(wrong.statusCode).toBe(403);
    const [rows] = await stack.metadata.pool.query("SELECT code FROM orgs WHERE code = 'B001-77'");
    expect(rows).toEqual([]);
    // Reads need no token; whoami returns it for the console.
    const who = await admin.request({
      method: 'GET',
      url: '/v1/auth/whoami',
      headers: { 'x-csrf-token': '' },
    });
    expect(who.json().csrfToken).toBe(admin.csrf);
  });

  it('ends sessions of a disabled account', async () => {
    const victim = await loginAs(stack.app, 'b002.admin');
    const admin = await loginAs(stack.app, 'admin');
    const [rows] = await stack.metadata.pool.query("SELECT id FROM staff WHERE username = 'b002.admin'");
    const id = (rows as Array<{ id: number }>)[0]!.id;
    expect(
      (await admin.request({ method: 'PATCH', url: `/v1/staff/${id}`, payload: { disabled: true } }))
        .statusCode,
    ).toBe(200);
    expect((await victim.request({ method: 'GET', url: '/v1/auth/whoami' })).statusCode).toBe(401);
    expect((await login('b002.admin', DEMO_PASSWORD, '10.5.0.1')).statusCode).toBe(401);
    await admin.request({ method: 'PATCH', url: `/v1/staff/${id}`, payload: { disabled: false } });
    expect((await login('b002.admin', DEMO_PASSWORD, '10.5.0.2')).statusCode).toBe(200);
  });
});

describe('passwords', () => {
  it('changes the own password under the policy and logs out other sessions', async () => {
    const me = await loginAs(stack.app, 'union.analyst');
    const elsewhere = await loginAs(stack.app, 'union.analyst');
    const change = (currentPassword: string, newPassword: string) =>
      me.request({ method: 'POST', url: '/v1/auth/password', payload: { currentPassword, newPassword } });
    expect((await change('Wrong-current-1', 'New-password-2026')).json()).toMatchObject({
      error: { code: 'PASSWORD_WRONG' },
    });
    for (const weak of ['Short1!', 'alllowercaseletters', 'NoDigitsOrSymbols', 'union.analyst-X1'])
      expect((await change(DEMO_PASSWORD, weak)).json()).toMatchObject({
        error: { code: 'PASSWORD_POLICY' },
      });
    expect((await change(DEMO_PASSWORD, 'New-password-2026')).statusCode).toBe(204);
    expect((await me.request({ method: 'GET', url: '/v1/auth/whoami' })).statusCode).toBe(200);
    expect((await elsewhere.request({ method: 'GET', url: '/v1/auth/whoami' })).statusCode).toBe(401);
    expect((await login('union.analyst', 'New-password-2026', '10.6.0.1')).statusCode).toBe(200);
    const [rows] = await stack.metadata.pool.query(
      "SELECT password_hash FROM staff WHERE username = 'union.analyst'",
    );
    expect((rows as Array<{ password_hash: string }>)[0]!.password_hash).toMatch(
      /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/,
    );
  });
});
