// Issue 5's audit list, walked in one place on real parts (collector process, chdb, MariaDB):
// logins (success and failure), an analysis run and a detail export (with parameters and row
// count), permission and user changes, an API token, unmasking and a data-subject deletion each
// leave an entry saying who, from which address, and what; and no entry holds the customer's
// phone number in clear.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { type EmbeddedStack, startEmbeddedStack } from '@tally/testbed/stack';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { DEMO_PASSWORD, seedDemoOrgAndStaff } from '../../src/staff/seed-demo.ts';
import { testConfig } from './support/api-stack.ts';
import { type Caller, loginAs } from './support/sessions.ts';

const PHONE = '13812340000';
const ADMIN_IP = '10.0.0.7';
const ANALYST_IP = '10.0.0.8';

interface Entry {
  actor_name: string;
  ip: string;
  action: string;
  details: Record<string, unknown>;
}

describe('audit coverage', () => {
  let stack: EmbeddedStack;
  let api: FastifyInstance;
  let admin: Caller;
  let analyst: Caller;
  const today = new Date().toISOString().slice(0, 10);

  const entries = async (action: string): Promise<Entry[]> => {
    const [rows] = await stack.metadata.pool.query(
      'SELECT actor_name, ip, action, details FROM audit_log WHERE action = ? ORDER BY id',
      [action],
    );
    return (rows as Array<Omit<Entry, 'details'> & { details: string }>).map((r) => ({
      ...r,
      details: JSON.parse(r.details) as Record<string, unknown>,
    }));
  };

  beforeAll(async () => {
    stack = await startEmbeddedStack();
    await seedDemoOrgAndStaff(stack.metadata);
    api = await buildApp({
      config: testConfig(),
      clickhouse: stack.clickhouse,
      metadata: stack.metadata,
      logger: false,
    });
    await api.ready();
    admin = await loginAs(api, 'b001.admin', undefined, ADMIN_IP);
    const marked = await (await loginAs(api, 'admin')).request({
      method: 'PUT',
      url: `/v1/apps/${stack.appId}/sensitive-fields/phone`,
      payload: { kind: 'phone' },
    });
    expect(marked.statusCode, marked.body).toBe(204);
    await new Promise((r) => setTimeout(r, 5_500)); // the collector's field list cache
    const now = Date.now();
    const res = await fetch(`${stack.collectorUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tally-key': stack.writeKey },
      body: JSON.stringify({
        events: [
          ['$AppStart', now - 3000],
          ['transfer', now - 2000],
        ]
          .map(([event, time]) => ({
            event,
            uuid: randomUUID(),
            time,
            distinct_id: 'audit-d1',
            login_id: 'AUDIT-C1',
            properties: { $bank_code: 'B001' },
          }))
          .concat([
            {
              type: 'profile_set',
              uuid: randomUUID(),
              time: now - 1000,
              distinct_id: 'audit-d1',
              login_id: 'AUDIT-C1',
              properties: { $bank_code: 'B001', phone: PHONE },
            } as never,
          ]),
      }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
  });
  afterAll(async () => {
    await api?.close();
    await stack?.stop();
  });

  it('records logins that succeed and fail, with the client address', async () => {
    const failed = await api.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: 'b001.analyst', password: 'wrong-password-1A' },
      remoteAddress: ANALYST_IP,
    });
    expect(failed.statusCode).toBe(401);
    analyst = await loginAs(api, 'b001.analyst', undefined, ANALYST_IP);
    expect(await entries('auth.login_failed')).toContainEqual(
      expect.objectContaining({ actor_name: 'b001.analyst', ip: ANALYST_IP }),
    );
    expect(await entries('auth.login')).toContainEqual(
      expect.objectContaining({ actor_name: 'b001.analyst', ip: ANALYST_IP }),
    );
  });

  it('records an analysis and a detail export with their parameters and row counts', async () => {
    const query = {
      appId: stack.appId,
      from: today,
      to: today,
      timeZone: 'UTC',
      steps: [{ event: '$AppStart' }, { event: 'transfer' }],
    };
    const funnel = await analyst.request({ method: 'POST', url: '/v1/analysis/funnel', payload: query });
    expect(funnel.statusCode, funnel.body).toBe(200);
    const persons = await analyst.request({
      method: 'POST',
      url: '/v1/analysis/funnel/persons',
      payload: { ...query, step: 2, status: 'reached' },
    });
    expect(persons.statusCode, persons.body).toBe(200);
    expect(persons.json()).toMatchObject({ total: 1, persons: [{ loginId: 'AUDIT-C1' }] });
    const runs = (await entries('analysis.run')).filter((e) => e.actor_name === 'b001.analyst');
    expect(runs.map((r) => r.details.model)).toEqual(['funnel', 'funnel/persons']);
    for (const run of runs) {
      expect(run.ip).toBe(ANALYST_IP);
      expect(run.details.query).toMatchObject({ appId: stack.appId, steps: query.steps });
      expect(typeof run.details.rows).toBe('number');
    }
  });

  it('records an analysis whose caller hung up before the answer, with their address', async () => {
    // A real socket: a browser that leaves the page closes it mid-analysis, and the address must
    // not depend on the socket still being open when the run is audited.
    await api.listen({ port: 0, host: '127.0.0.1' });
    const { port } = api.server.address() as AddressInfo;
    const login = await fetch(`http://127.0.0.1:${port}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'b001.analyst', password: DEMO_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const body = JSON.stringify({
      appId: stack.appId,
      from: today,
      to: today,
      timeZone: 'UTC',
      steps: [{ event: '$AppStart' }, { event: 'transfer' }],
      windowMinutes: 77,
    });
    // The client hangs up once the server has read the request (before that, a hang-up may drop
    // the request itself), long before the engine answers.
    const bodyRead = new Promise<void>((read) => {
      api.server.once('request', (req: IncomingMessage) => req.once('end', () => read()));
    });
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.resume();
    await once(socket, 'connect');
    socket.write(
      [
        'POST /v1/analysis/funnel HTTP/1.1',
        'Host: 127.0.0.1',
        'Content-Type: application/json',
        `Content-Length: ${Buffer.byteLength(body)}`,
        `Cookie: ${cookie}`,
        `X-CSRF-Token: ${csrfToken}`,
        '',
        body,
      ].join('\r\n'),
    );
    await bodyRead;
    socket.destroy();
    const audited = async () =>
      (await entries('analysis.run')).find(
        (e) => (e.details.query as { windowMinutes?: number } | undefined)?.windowMinutes === 77,
      );
    for (let i = 0; i < 100 && !(await audited()); i++) await new Promise((r) => setTimeout(r, 100));
    // Stopped once its caller had gone (or answered first, on a fast engine): on record either way.
    expect(await audited()).toMatchObject({ actor_name: 'b001.analyst', ip: '127.0.0.1' });
  });

  it('records user, permission and token changes', async () => {
    const created = await admin.request({
      method: 'POST',
      url: '/v1/staff',
      payload: {
        username: 'audit.newbie',
        orgCode: 'B001',
        roles: ['viewer'],
        password: 'Audit-newbie-2026!',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as { id: string }).id;
    const promoted = await admin.request({
      method: 'PATCH',
      url: `/v1/staff/${id}`,
      payload: { roles: ['analyst'] },
    });
    expect(promoted.statusCode, promoted.body).toBe(200);
    const token = await admin.request({
      method: 'POST',
      url: '/v1/tokens',
      payload: { label: 'audit', orgCode: 'B001', scopes: ['analysis.run'], expiresInDays: 1 },
    });
    expect(token.statusCode, token.body).toBe(201);
    const byAdmin = (e: Entry) => e.actor_name === 'b001.admin' && e.ip === ADMIN_IP;
    expect((await entries('staff.create')).filter(byAdmin)).toHaveLength(1);
    const updates = (await entries('staff.update')).filter(byAdmin);
    expect(JSON.stringify(updates)).toContain('analyst');
    expect((await entries('token.create')).filter(byAdmin)).toHaveLength(1);
  });

  it('records unmasking and a data-subject deletion, without the personal value', async () => {
    const shown = await admin.request({
      method: 'GET',
      url: `/v1/identity/customers?appId=${stack.appId}&loginId=AUDIT-C1&unmask=true`,
    });
    expect(shown.statusCode, shown.body).toBe(200);
    expect(shown.json()).toMatchObject({ props: { phone: PHONE } });
    const deleted = await admin.request({
      method: 'DELETE',
      url: `/v1/identity/customers/AUDIT-C1?appId=${stack.appId}`,
    });
    expect(deleted.statusCode, deleted.body).toBe(200);
    expect(await entries('data.unmask')).toContainEqual(
      expect.objectContaining({
        actor_name: 'b001.admin',
        ip: ADMIN_IP,
        details: expect.objectContaining({ rows: 1 }),
      }),
    );
    const deletions = await entries('data.delete');
    expect(deletions).toHaveLength(1);
    expect(deletions[0]).toMatchObject({ actor_name: 'b001.admin', ip: ADMIN_IP });
    expect(deletions[0]!.details.customerKeyHash).toMatch(/^[0-9a-f]{64}$/);
    const [all] = await stack.metadata.pool.query('SELECT details FROM audit_log');
    const text = JSON.stringify(all);
    expect(text).not.toContain(PHONE);
    expect(text).not.toContain('AUDIT-C1');
  });
});
