// The org tree through the API on a real MariaDB: what each tier sees, scope resolution
// (branch -> its bank), tier rules, moves that rewrite a subtree, and all-or-nothing CSV import.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgScopeForOrg } from '../../src/orgs/org-store.ts';
import { type ApiStack, startApiStack } from '../security/support/api-stack.ts';
import { loginAs } from '../security/support/sessions.ts';

let stack: ApiStack;
beforeAll(async () => {
  stack = await startApiStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function codesSeenBy(username: string): Promise<string[]> {
  const caller = await loginAs(stack.app, username);
  const res = await caller.request({ method: 'GET', url: '/v1/orgs' });
  expect(res.statusCode).toBe(200);
  return (res.json() as { orgs: Array<{ code: string }> }).orgs.map((o) => o.code).sort();
}

describe('org tree visibility', () => {
  it('shows each tier exactly its own subtree', async () => {
    expect(await codesSeenBy('admin')).toEqual([
      'B001',
      'B001-01',
      'B002',
      'B002-01',
      'B003',
      'P01',
      'P02',
      'U00',
    ]);
    expect(await codesSeenBy('p01.admin')).toEqual(['B001', 'B001-01', 'P01']);
    expect(await codesSeenBy('b001.viewer')).toEqual(['B001', 'B001-01']);
    expect(await codesSeenBy('b002.analyst')).toEqual(['B002', 'B002-01']);
    expect(await codesSeenBy('b001-01.manager')).toEqual(['B001-01']);
  });

  it('resolves the scope of every tier to bank and branch codes', async () => {
    expect(await orgScopeForOrg(stack.metadata, 'U00')).toEqual({ bankCodes: 'all' });
    expect(await orgScopeForOrg(stack.metadata, 'P01')).toEqual({ bankCodes: ['B001'] });
    expect(await orgScopeForOrg(stack.metadata, 'B002')).toEqual({ bankCodes: ['B002'] });
    expect(await orgScopeForOrg(stack.metadata, 'B001-01')).toEqual({
      bankCodes: ['B001'],
      branchCodes: ['B001-01'],
    });
    expect(await orgScopeForOrg(stack.metadata, 'NOPE')).toEqual({ bankCodes: [] });
  });

  it('hides another bank node even when named directly', async () => {
    const b1 = await loginAs(stack.app, 'b001.admin');
    expect((await b1.request({ method: 'GET', url: '/v1/orgs/B002' })).statusCode).toBe(403);
    expect((await b1.request({ method: 'GET', url: '/v1/orgs?orgCode=B002' })).statusCode).toBe(403);
    expect((await b1.request({ method: 'GET', url: '/v1/orgs/B001-01' })).json()).toMatchObject({
      bankCode: 'B001',
    });
  });
});

describe('org management', () => {
  it('lets a bank admin add a branch to their bank only', async () => {
    const b1 = await loginAs(stack.app, 'b001.admin');
    const ok = await b1.request({
      method: 'POST',
      url: '/v1/orgs',
      payload: { code: 'B001-02', name: '东城二支行', tier: 'branch', parentCode: 'B001' },
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ path: '/U00/P01/B001/B001-02/', bankCode: 'B001' });
    const foreign = await b1.request({
      method: 'POST',
      url: '/v1/orgs',
      payload: { code: 'B002-09', name: 'x', tier: 'branch', parentCode: 'B002' },
    });
    expect(foreign.statusCode).toBe(403);
    const dup = await b1.request({
      method: 'POST',
      url: '/v1/orgs',
      payload: { code: 'B001-02', name: 'again', tier: 'branch', parentCode: 'B001' },
    });
    expect(dup.json()).toMatchObject({ error: { code: 'ORG_EXISTS' } });
  });

  it('enforces the tier order', async () => {
    const admin = await loginAs(stack.app, 'admin');
    const post = (payload: object) => admin.request({ method: 'POST', url: '/v1/orgs', payload });
    expect((await post({ code: 'X1', name: 'x', tier: 'branch', parentCode: 'P01' })).json()).toMatchObject({
      error: { code: 'ORG_PARENT_INVALID' },
    });
    expect((await post({ code: 'X2', name: 'x', tier: 'prefecture', parentCode: 'B001' })).statusCode).toBe(
      400,
    );
    expect((await post({ code: 'X3', name: 'x', tier: 'union', parentCode: 'U00' })).statusCode).toBe(400);
    expect((await post({ code: 'B004', name: '新农商行', tier: 'bank', parentCode: 'P01' })).statusCode).toBe(
      201,
    );
  });

  it('moves a branch to another bank and rewrites its path and bank code', async () => {
    const p01 = await loginAs(stack.app, 'p01.admin');
    const moved = await p01.request({
      method: 'POST',
      url: '/v1/orgs/B001-02/move',
      payload: { parentCode: 'B004' },
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({
      path: '/U00/P01/B004/B001-02/',
      bankCode: 'B004',
      parentCode: 'B004',
    });
    expect(await orgScopeForOrg(stack.metadata, 'B001-02')).toEqual({
      bankCodes: ['B004'],
      branchCodes: ['B001-02'],
    });
    // Not outside their subtree, and not their own node.
    const out = await p01.request({
      method: 'POST',
      url: '/v1/orgs/B001/move',
      payload: { parentCode: 'P02' },
    });
    expect(out.statusCode).toBe(403);
    const self = await p01.request({
      method: 'POST',
      url: '/v1/orgs/P01/move',
      payload: { parentCode: 'U00' },
    });
    expect(self.statusCode).toBe(403);
  });

  it('moves a bank with its branches and refuses cycles', async () => {
    const admin = await loginAs(stack.app, 'admin');
    const res = await admin.request({
      method: 'POST',
      url: '/v1/orgs/B002/move',
      payload: { parentCode: 'P01' },
    });
    expect(res.statusCode).toBe(200);
    const branch = await admin.request({ method: 'GET', url: '/v1/orgs/B002-01' });
    expect(branch.json()).toMatchObject({ path: '/U00/P01/B002/B002-01/', bankCode: 'B002' });
    expect(await orgScopeForOrg(stack.metadata, 'P01')).toEqual({ bankCodes: ['B001', 'B002', 'B004'] });
    const back = await admin.request({
      method: 'POST',
      url: '/v1/orgs/B002/move',
      payload: { parentCode: 'P02' },
    });
    expect(back.statusCode).toBe(200);
    const cycle = await admin.request({
      method: 'POST',
      url: '/v1/orgs/P01/move',
      payload: { parentCode: 'B001' },
    });
    expect(cycle.statusCode).toBe(400);
  });

  it('renames inside the subtree and audits org changes', async () => {
    const b1 = await loginAs(stack.app, 'b001.admin');
    const res = await b1.request({
      method: 'PATCH',
      url: '/v1/orgs/B001-01',
      payload: { name: "营业部'; DROP TABLE orgs; --" },
    });
    expect(res.statusCode).toBe(200);
    const [rows] = await stack.metadata.pool.query("SELECT name FROM orgs WHERE code = 'B001-01'");
    expect(rows).toEqual([{ name: "营业部'; DROP TABLE orgs; --" }]);
    const [audit] = await stack.metadata.pool.query(
      "SELECT actor_name, action FROM audit_log WHERE action IN ('org.create', 'org.move', 'org.rename') ORDER BY id",
    );
    expect((audit as Array<{ action: string }>).map((a) => a.action)).toEqual([
      'org.create',
      'org.create',
      'org.move',
      'org.move',
      'org.move',
      'org.rename',
    ]);
  });
});

describe('CSV import', () => {
  const post = async (username: string, csv: string) => {
    const caller = await loginAs(stack.app, username);
    return caller.request({
      method: 'POST',
      url: '/v1/orgs/import',
      payload: csv,
      headers: { 'content-type': 'text/csv' },
    });
  };

  it('imports children listed before their parents', async () => {
    const res = await post(
      'admin',
      'code,name,tier,parent_code\nB005-01,五行营业部,branch,B005\nB005,五号农商行,bank,P02\nB003,直属农商银行(改名),bank,U00\n',
    );
    expect(res.json()).toEqual({ created: 2, renamed: 1 });
    expect(await orgScopeForOrg(stack.metadata, 'B005-01')).toEqual({
      bankCodes: ['B005'],
      branchCodes: ['B005-01'],
    });
  });

  it('changes nothing when one row is bad', async () => {
    const res = await post('admin', 'code,name,tier,parent_code\nB006,六号,bank,P02\nB006-01,x,branch,P02\n');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'ORG_CSV_INVALID' } });
    expect(res.json().error.message).toContain('line 3');
    const [rows] = await stack.metadata.pool.query("SELECT code FROM orgs WHERE code LIKE 'B006%'");
    expect(rows).toEqual([]);
  });

  it('refuses rows outside the importer subtree and re-parenting', async () => {
    const outside = await post('b001.admin', 'code,name,tier,parent_code\nB002-07,x,branch,B002\n');
    expect(outside.statusCode).toBe(400);
    expect(outside.json().error.message).toContain('outside');
    const reparent = await post('admin', 'code,name,tier,parent_code\nB001-01,x,branch,B002\n');
    expect(reparent.json().error.message).toContain('move API');
    const badCode = await post('admin', 'code,name,tier,parent_code\n../etc,x,bank,P01\n');
    expect(badCode.statusCode).toBe(400);
  });
});
