// Staff management rules on a real MariaDB: an org admin works only inside their subtree, grants
// only roles within their own permissions, cannot touch a more powerful account or their own
// roles, and every change is audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, startApiStack } from '../security/support/api-stack.ts';
import { type Caller, loginAs } from '../security/support/sessions.ts';

let stack: ApiStack;
let bankAdmin: Caller;
let platform: Caller;
beforeAll(async () => {
  stack = await startApiStack();
  bankAdmin = await loginAs(stack.app, 'b001.admin');
  platform = await loginAs(stack.app, 'admin');
});
afterAll(async () => {
  await stack?.stop();
});

const newStaff = (over: Record<string, unknown> = {}) => ({
  username: 'new.user',
  orgCode: 'B001-01',
  roles: ['analyst'],
  password: 'Good-password-1',
  ...over,
});

async function idOf(username: string): Promise<number> {
  const [rows] = await stack.metadata.pool.query('SELECT id FROM staff WHERE username = ?', [username]);
  return (rows as Array<{ id: number }>)[0]!.id;
}

describe('creating staff', () => {
  it('creates staff in the own subtree', async () => {
    const res = await bankAdmin.request({ method: 'POST', url: '/v1/staff', payload: newStaff() });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      username: 'new.user',
      orgCode: 'B001-01',
      roles: ['analyst'],
      disabled: false,
    });
    expect(res.json()).not.toHaveProperty('passwordHash');
  });

  it('refuses another bank, higher roles, weak passwords and taken names', async () => {
    const post = (payload: object) => bankAdmin.request({ method: 'POST', url: '/v1/staff', payload });
    expect((await post(newStaff({ username: 'x.b002', orgCode: 'B002' }))).json()).toMatchObject({
      error: { code: 'ORG_OUT_OF_SCOPE' },
    });
    expect((await post(newStaff({ username: 'x.p01', orgCode: 'P01' }))).statusCode).toBe(403);
    expect((await post(newStaff({ username: 'x.root', roles: ['platform_admin'] }))).json()).toMatchObject({
      error: { code: 'ROLE_NOT_GRANTABLE' },
    });
    expect((await post(newStaff({ username: 'x.weak', password: 'password' }))).json()).toMatchObject({
      error: { code: 'PASSWORD_POLICY' },
    });
    expect((await post(newStaff())).json()).toMatchObject({ error: { code: 'STAFF_EXISTS' } });
    expect((await post(newStaff({ username: 'x.role', roles: ['superuser'] }))).statusCode).toBe(400);
    const [rows] = await stack.metadata.pool.query("SELECT username FROM staff WHERE username LIKE 'x.%'");
    expect(rows).toEqual([]);
  });

  it('lets an org admin create another org admin below them, but platform admins only at the union', async () => {
    expect(
      (
        await bankAdmin.request({
          method: 'POST',
          url: '/v1/staff',
          payload: newStaff({ username: 'branch.admin', roles: ['org_admin'] }),
        })
      ).statusCode,
    ).toBe(201);
    const res = await platform.request({
      method: 'POST',
      url: '/v1/staff',
      payload: newStaff({ username: 'bank.root', orgCode: 'B001', roles: ['platform_admin'] }),
    });
    expect(res.json()).toMatchObject({ error: { code: 'PLATFORM_ADMIN_NOT_UNION' } });
  });
});

describe('changing staff', () => {
  it('lists only the own subtree', async () => {
    const res = await bankAdmin.request({ method: 'GET', url: '/v1/staff' });
    const names = (res.json() as { staff: Array<{ username: string; orgCode: string }> }).staff.map(
      (s) => s.orgCode,
    );
    expect(new Set(names)).toEqual(new Set(['B001', 'B001-01']));
    const b002 = await loginAs(stack.app, 'b002.admin');
    const theirs = (await b002.request({ method: 'GET', url: '/v1/staff' })).json() as {
      staff: Array<{ username: string }>;
    };
    expect(theirs.staff.map((s) => s.username).sort()).toEqual(['b002.admin', 'b002.analyst']);
  });

  it('answers 404 for staff of another bank, whatever the operation', async () => {
    const id = await idOf('b002.analyst');
    expect((await bankAdmin.request({ method: 'GET', url: `/v1/staff/${id}` })).statusCode).toBe(404);
    expect(
      (await bankAdmin.request({ method: 'PATCH', url: `/v1/staff/${id}`, payload: { disabled: true } }))
        .statusCode,
    ).toBe(404);
    const reset = await bankAdmin.request({
      method: 'POST',
      url: `/v1/staff/${id}/password`,
      payload: { newPassword: 'Taken-over-2026' },
    });
    expect(reset.statusCode).toBe(404);
  });

  it('cannot change a more powerful account or its own roles', async () => {
    const p01 = await loginAs(stack.app, 'p01.admin');
    // A platform admin is outside a prefecture admin's subtree anyway; use an account inside it.
    await platform.request({
      method: 'POST',
      url: '/v1/staff',
      payload: newStaff({ username: 'inside.root', orgCode: 'U00', roles: ['platform_admin'] }),
    });
    const me = await idOf('b001.admin');
    expect(
      (
        await bankAdmin.request({ method: 'PATCH', url: `/v1/staff/${me}`, payload: { roles: ['analyst'] } })
      ).json(),
    ).toMatchObject({
      error: { code: 'STAFF_OUT_OF_SCOPE' },
    });
    expect(
      (await bankAdmin.request({ method: 'PATCH', url: `/v1/staff/${me}`, payload: { displayName: '张三' } }))
        .statusCode,
    ).toBe(200);
    // The prefecture admin can manage the bank admin below them.
    const demoted = await p01.request({
      method: 'PATCH',
      url: `/v1/staff/${me}`,
      payload: { roles: ['org_admin', 'viewer'] },
    });
    expect(demoted.statusCode).toBe(200);
    expect(
      (await p01.request({ method: 'PATCH', url: `/v1/staff/${me}`, payload: { roles: ['platform_admin'] } }))
        .statusCode,
    ).toBe(403);
    // A role change ends the account's sessions, so new permissions apply at once.
    expect((await bankAdmin.request({ method: 'GET', url: '/v1/auth/whoami' })).statusCode).toBe(401);
    bankAdmin = await loginAs(stack.app, 'b001.admin');
  });

  it('resets a password inside the subtree and audits every change', async () => {
    const id = await idOf('new.user');
    const res = await bankAdmin.request({
      method: 'POST',
      url: `/v1/staff/${id}/password`,
      payload: { newPassword: 'Reset-password-9' },
    });
    expect(res.statusCode).toBe(204);
    await loginAs(stack.app, 'new.user', 'Reset-password-9');
    const [rows] = await stack.metadata.pool.query(
      "SELECT actor_name, action FROM audit_log WHERE action LIKE 'staff.%' ORDER BY id",
    );
    expect(rows).toEqual([
      { actor_name: 'b001.admin', action: 'staff.create' },
      { actor_name: 'b001.admin', action: 'staff.create' },
      { actor_name: 'admin', action: 'staff.create' },
      { actor_name: 'b001.admin', action: 'staff.update' },
      { actor_name: 'p01.admin', action: 'staff.update' },
      { actor_name: 'b001.admin', action: 'staff.password_reset' },
    ]);
  });
});
