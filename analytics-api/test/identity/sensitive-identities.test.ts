// ID-Mapping identities of a type the app marked sensitive (a phone bound as an identity) on the
// real pipeline and MariaDB: through the identity API and through an SDK bind sent to the real
// collector, `person_identities` holds only the keyed hash as the key and hash + ciphertext as the
// sealed value, never the number; lookups by the number (in any spelling) still work, outputs
// show it masked (in clear only with data.unmask). The expected hash is computed here from the
// stack's key (HKDF + HMAC-SHA256), not by the code under test.
import { createHmac, hkdfSync } from 'node:crypto';
import { type EmbeddedStack, STACK_SECRET_KEY, startEmbeddedStack } from '@tally/testbed/stack';
import type { FastifyInstance } from 'fastify';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyring } from '../../src/crypto/keyring.ts';
import { revealValue } from '../../src/crypto/sensitive-value.ts';
import { markSensitive } from '../../src/masking/sensitive-fields.ts';
import type { Caller } from '../security/support/sessions.ts';
import { apiOn } from './support/api.ts';
import { send } from './support/pipeline.ts';

const T0 = Date.UTC(2026, 10, 22, 1, 0, 0);
let stack: EmbeddedStack;
let app: FastifyInstance;
let as: (username: string) => Promise<Caller>;

const identifierKey = Buffer.from(
  hkdfSync('sha256', STACK_SECRET_KEY, Buffer.alloc(0), 'tally:identifier-hash:v1', 32),
);
const expectedKey = (digits: string) =>
  `hid:v1:k1:${createHmac('sha256', identifierKey).update(`sensitive:phone\u0000${digits}`).digest('hex')}`;

beforeAll(async () => {
  stack = await startEmbeddedStack();
  ({ app, as } = await apiOn(stack));
  await markSensitive(stack.metadata.pool, stack.appId, 'phone', 'phone');
  await send(stack, [
    {
      event: '$Login',
      time: T0,
      distinct_id: 'si-d1',
      login_id: 'SI-C1',
      properties: { $bank_code: 'B001' },
    },
    {
      event: '$Login',
      time: T0,
      distinct_id: 'si-d2',
      login_id: 'SI-C2',
      properties: { $bank_code: 'B001' },
    },
  ]);
}, 120_000);
afterAll(async () => {
  await app?.close();
  await stack?.stop();
});

async function storedIdentities(loginId: string) {
  const [rows] = await stack.metadata.pool.query<RowDataPacket[]>(
    `SELECT i.id_type, i.id_value, i.sealed_value FROM person_identities i
       JOIN persons p ON p.id = i.person_id
     WHERE i.app_id = ? AND p.external_id = ? ORDER BY i.id_type`,
    [stack.appId, loginId],
  );
  return rows as Array<{ id_type: string; id_value: string; sealed_value: string | null }>;
}

const get = async (username: string, query: string) =>
  (await as(username)).request({ method: 'GET', url: `/v1/identity/customers?appId=mbank&${query}` });
const post = async (username: string, url: string, payload: Record<string, unknown>) =>
  (await as(username)).request({ method: 'POST', url, payload });
const ring = createKeyring([{ id: 'k1', key: STACK_SECRET_KEY }], 'k1');

describe('sensitive identities', () => {
  it('identity API: stores only hash + ciphertext, finds by the number, masks on output', async () => {
    const bind = { appId: 'mbank', loginId: 'SI-C1', idType: 'phone', idValue: '139-1234-5678' };
    const bound = await post('admin', '/v1/identity/identities/bind', bind);
    expect(bound.statusCode, bound.body).toBe(200);
    const [row] = await storedIdentities('SI-C1');
    expect(row!.id_value).toBe(expectedKey('13912345678'));
    expect(row!.sealed_value!.startsWith(`${expectedKey('13912345678')}:enc:v1:k1:`)).toBe(true);
    expect(JSON.stringify(row)).not.toMatch(/13912345678|1234-5678/);
    expect(revealValue(ring, { appId: 'mbank', field: 'phone' }, row!.sealed_value!)).toBe('139-1234-5678');

    const found = await get('b001.analyst', 'idType=phone&idValue=13912345678');
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json().loginId).toBe('SI-C1');
    expect(found.json().identities).toEqual({ phone: '139****5678' });
    const clear = await get('admin', 'idType=phone&idValue=139%201234%205678&unmask=true');
    expect(clear.json().identities).toEqual({ phone: '139-1234-5678' });

    const taken = await post('admin', '/v1/identity/identities/bind', {
      ...bind,
      loginId: 'SI-C2',
      idValue: '13912345678',
    });
    expect(taken.statusCode).toBe(409);
    const unbind = await post('admin', '/v1/identity/identities/unbind', { ...bind, idValue: '13912345678' });
    expect(unbind.json()).toEqual({ unbound: true });
    expect(await storedIdentities('SI-C1')).toEqual([]);
    expect((await get('b001.analyst', 'idType=phone&idValue=13912345678')).statusCode).toBe(404);
  });

  it('SDK bind through the collector: stored protected, found by the number; unmarked types unchanged', async () => {
    await send(stack, [
      {
        type: 'bind',
        time: T0 + 1_000,
        distinct_id: 'si-d2',
        login_id: 'SI-C2',
        identities: { phone: '13700001111', union_no: 'U-SI-2' },
      },
    ]);
    const rows = await storedIdentities('SI-C2');
    expect(rows.map((r) => [r.id_type, r.id_value])).toEqual([
      ['phone', expectedKey('13700001111')],
      ['union_no', 'U-SI-2'],
    ]);
    expect(rows[1]!.sealed_value).toBeNull();
    expect(JSON.stringify(rows)).not.toContain('13700001111');
    const found = await get('b001.analyst', 'idType=phone&idValue=137-0000-1111');
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json()).toMatchObject({
      loginId: 'SI-C2',
      identities: { phone: '137****1111', union_no: 'U-SI-2' },
    });
    await send(stack, [
      {
        type: 'unbind',
        time: T0 + 2_000,
        distinct_id: 'si-d2',
        login_id: 'SI-C2',
        identities: { phone: '13700001111' },
      },
    ]);
    expect((await storedIdentities('SI-C2')).map((r) => r.id_type)).toEqual(['union_no']);
  });

  it('still finds an identity bound in clear before its type was marked (until rotate:keys)', async () => {
    await stack.metadata.pool.query(
      `INSERT INTO person_identities (app_id, id_type, id_value, person_id)
       SELECT app_id, 'phone', '13655556666', id FROM persons WHERE app_id = ? AND external_id = 'SI-C2'`,
      [stack.appId],
    );
    const found = await get('b001.analyst', 'idType=phone&idValue=13655556666');
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json()).toMatchObject({ loginId: 'SI-C2', identities: { phone: '136****6666' } });
  });
});
