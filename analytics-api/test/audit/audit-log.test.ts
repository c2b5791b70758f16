// The audit log on a real MariaDB: the table refuses UPDATE and DELETE, logins and changes are
// recorded with actor, address and time, and GET /v1/audit shows each admin only their subtree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/staff/seed-demo.ts';
import { type ApiStack, startApiStack } from '../security/support/api-stack.ts';
import { type Caller, loginAs } from '../security/support/sessions.ts';

let stack: ApiStack;
let startedAt: string;
beforeAll(async () => {
  stack = await startApiStack();
  startedAt = new Date(Date.now() - 1000).toISOString();
  // Activity in both banks and one failed login naming nobody.
  await loginAs(stack.app, 'b001.analyst', DEMO_PASSWORD, '10.9.0.1');
  await loginAs(stack.app, 'b002.analyst', DEMO_PASSWORD, '10.9.0.2');
  await stack.app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { username: 'ghost', password: 'Nope-nope-123' },
    remoteAddress: '10.9.0.3',
  });
  await stack.app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { username: 'b002.admin', password: 'Nope-nope-123' },
    remoteAddress: '10.9.0.4',
  });
});
afterAll(async () => {
  await stack?.stop();
});

type Entry = {
  actorName: string;
  action: string;
  ip: string;
  orgPath: string;
  at: string;
  details: Record<string, unknown>;
};
async function search(caller: Caller, query = ''): Promise<Entry[]> {
  const res = await caller.request({ method: 'GET', url: `/v1/audit${query}` });
  expect(res.statusCode).toBe(200);
  return (res.json() as { entries: Entry[] }).entries;
}

describe('append-only', () => {
  it('refuses UPDATE and DELETE at the database', async () => {
    const pool = stack.metadata.pool;
    await expect(pool.query("UPDATE audit_log SET action = 'x'")).rejects.toThrow(/append-only/);
    await expect(pool.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    const [rows] = await pool.query('SELECT COUNT(*) AS n FROM audit_log');
    expect(Number((rows as Array<{ n: number }>)[0]!.n)).toBeGreaterThan(3);
  });
});

describe('search', () => {
  it('shows a bank admin their bank only', async () => {
    const entries = await search(await loginAs(stack.app, 'b001.admin'));
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.orgPath.startsWith('/U00/P01/B001/'))).toBe(true);
    const analystLogin = entries.find((e) => e.actorName === 'b001.analyst' && e.action === 'auth.login');
    expect(analystLogin).toMatchObject({ ip: '10.9.0.1' });
    expect(Date.parse(analystLogin!.at)).toBeGreaterThanOrEqual(Date.parse(startedAt));
  });

  it('shows failed logins of a known account to its own admins, and of unknown names only at the union', async () => {
    const b002 = await search(await loginAs(stack.app, 'b002.analyst'), '').catch(() => null);
    expect(b002).toBeNull(); // analysts may not read the audit log at all (403 above)
    const p01 = await search(await loginAs(stack.app, 'p01.admin'), '?action=auth.login_failed');
    expect(p01).toEqual([]);
    const union = await search(await loginAs(stack.app, 'admin'), '?action=auth.login_failed');
    expect(union.map((e) => [e.actorName, e.ip, e.details.reason])).toEqual([
      ['b002.admin', '10.9.0.4', 'wrong_password'],
      ['ghost', '10.9.0.3', 'unknown_user'],
    ]);
    const bank = await search(await loginAs(stack.app, 'b002.admin'), '?action=auth.login_failed');
    expect(bank.map((e) => e.actorName)).toEqual(['b002.admin']);
  });

  it('filters by actor, action prefix and time, newest first, and pages by id', async () => {
    const admin = await loginAs(stack.app, 'admin');
    const logins = await search(admin, '?action=auth.*&actor=b001.analyst');
    expect(logins.map((e) => e.action)).toEqual(['auth.login']);
    expect(await search(admin, `?to=${encodeURIComponent(startedAt)}`)).toEqual([]);
    const all = await search(admin, '?limit=2');
    expect(all).toHaveLength(2);
    const older = await search(admin, `?limit=1000&beforeId=${(all[1] as unknown as { id: string }).id}`);
    expect(
      older.every(
        (e) => Number((e as unknown as { id: string }).id) < Number((all[1] as unknown as { id: string }).id),
      ),
    ).toBe(true);
  });

  it('refuses another bank subtree and malformed filters', async () => {
    const b001 = await loginAs(stack.app, 'b001.admin');
    expect((await b001.request({ method: 'GET', url: '/v1/audit?orgCode=B002' })).statusCode).toBe(403);
    for (const bad of [
      "?action=auth.login'--",
      '?from=yesterday',
      '?limit=100000',
      '?beforeId=1%20OR%201=1',
      '?sort=id',
    ])
      expect((await b001.request({ method: 'GET', url: `/v1/audit${bad}` })).statusCode).toBe(400);
  });

  it('records refused access', async () => {
    const viewer = await loginAs(stack.app, 'b001.viewer');
    await viewer.request({ method: 'GET', url: '/v1/staff' });
    await viewer.request({ method: 'GET', url: '/v1/orgs?orgCode=B002' });
    const entries = await search(
      await loginAs(stack.app, 'b001.admin'),
      '?action=access.denied&actor=b001.viewer',
    );
    expect(entries.map((e) => e.details.reason)).toEqual(['org_out_of_scope', 'permission']);
  });
});
