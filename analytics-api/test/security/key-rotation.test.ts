// The key rotation job against the real chdb engine and MariaDB: rows written under key A (plus a
// value stored in clear before its field was marked, and a phone number stored as a number) are
// all under key B after `pnpm rotate:keys` (identifier hashes too, when TALLY_IDENTIFIER_KEY_ID
// moves to B), decrypt with B alone (so A can be removed), and row
// counts and other properties are unchanged. Also: a missing old key stops the job without
// touching anything, an interrupted run resumes, and a second run has nothing to do.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateSensitiveValues } from '../../src/crypto/key-rotation.ts';
import { createKeyring } from '../../src/crypto/keyring.ts';
import { protectRow } from '../../src/crypto/property-protector.ts';
import { identifierPrefix, revealValue } from '../../src/crypto/sensitive-value.ts';
import type { SensitiveKind } from '../../src/masking/mask-value.ts';
import { markSensitive } from '../../src/masking/sensitive-fields.ts';
import { type ApiStack, startApiStack } from './support/api-stack.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const A = { id: 'kA', key: randomBytes(32) };
const B = { id: 'kB', key: randomBytes(32) };
const APP = 'mbank';
const FIELDS: ReadonlyMap<string, SensitiveKind> = new Map<string, SensitiveKind>([
  ['phone', 'phone'],
  ['name', 'name'],
]);
const TABLES = ['events', 'profile_ops', 'profiles'] as const;

interface StoredRow {
  key: string;
  props: Record<string, string>;
  num_props: Record<string, number>;
}

describe('key rotation job', () => {
  let stack: ApiStack;
  // What each row's sensitive fields hold in clear, by row key (uuid or person id).
  const expected = new Map<string, Record<string, string>>();

  const keyColumn = (table: (typeof TABLES)[number]) =>
    table === 'profiles' ? 'toString(person_id)' : 'toString(uuid)';
  const read = async (table: (typeof TABLES)[number]) => {
    const result = await stack.clickhouse.query({
      query: `SELECT ${keyColumn(table)} AS key, props, num_props FROM ${table} WHERE app_id = {app:String} ORDER BY key`,
      query_params: { app: APP },
      format: 'JSONEachRow',
    });
    return result.json<StoredRow>();
  };
  const counts = async () => Promise.all(TABLES.map(async (t) => (await read(t)).length));
  const rotateCli = (keys: string, identifierKeyId = 'kB') =>
    run('npx', ['tsx', 'analytics-api/src/crypto/rotate-keys-cli.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        CLICKHOUSE_URL: stack.clickhouseUrl,
        CLICKHOUSE_USER: 'tally',
        CLICKHOUSE_PASSWORD: 'ch-test',
        MYSQL_URL: stack.config.mysqlUrl,
        TALLY_SECRET_KEYS: keys,
        TALLY_IDENTIFIER_KEY_ID: identifierKeyId,
        TALLY_SECRET_KEY: '',
      },
    }).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    );
  const keys = (...list: Array<{ id: string; key: Buffer }>) =>
    list.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');

  beforeAll(async () => {
    stack = await startApiStack();
    for (const [field, kind] of FIELDS) await markSensitive(stack.metadata.pool, APP, field, kind);
    const ringA = createKeyring([A], 'kA');
    const time = Date.now() - 3_600_000;
    const events = [];
    const ops = [];
    const profiles = [];
    for (let i = 0; i < 12; i++) {
      const uuid = randomUUID();
      const plain = { phone: `1380000${String(i).padStart(4, '0')}`, name: `客户${i}` };
      expected.set(uuid, plain);
      const base = { app_id: APP, props: { ...plain, channel_note: `n${i}` }, num_props: { amount: i } };
      // Row 0: written before the fields were marked (in clear); row 1: the phone as a number.
      const row =
        i === 0
          ? base
          : i === 1
            ? protectRow(ringA, FIELDS, {
                ...base,
                props: { name: plain.name, channel_note: 'n1' },
                num_props: { amount: 1, phone: Number(plain.phone) },
              })
            : protectRow(ringA, FIELDS, base);
      events.push({
        ...row,
        event: 'transfer',
        time,
        receive_time: time,
        uuid,
        distinct_id: `d${i}`,
        person_id: i + 1,
      });
    }
    for (let i = 0; i < 4; i++) {
      const uuid = randomUUID();
      const plain = { phone: `1390000${String(i).padStart(4, '0')}`, name: `档案${i}` };
      expected.set(uuid, plain);
      expected.set(String(100 + i), plain);
      const row = protectRow(ringA, FIELDS, { app_id: APP, props: plain, num_props: {} });
      ops.push({
        ...row,
        op: 'profile_set',
        time,
        receive_time: time,
        uuid,
        distinct_id: '',
        login_id: `L${i}`,
        person_id: 100 + i,
      });
      profiles.push({
        ...row,
        person_id: 100 + i,
        login_id: `L${i}`,
        first_seen: time,
        last_seen: time,
        version: 1,
      });
    }
    await stack.clickhouse.insert({ table: 'events', values: events, format: 'JSONEachRow' });
    await stack.clickhouse.insert({ table: 'profile_ops', values: ops, format: 'JSONEachRow' });
    await stack.clickhouse.insert({ table: 'profiles', values: profiles, format: 'JSONEachRow' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('stops without changing anything when an old key is missing', async () => {
    const before = await Promise.all(TABLES.map(read));
    const result = await rotateCli(keys(B));
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/key "kA", which is not configured/);
    expect(await Promise.all(TABLES.map(read))).toEqual(before);
  });

  it('resumes after an interruption', async () => {
    const ringBA = createKeyring([B, A], 'kB');
    let batches = 0;
    await expect(
      rotateSensitiveValues(
        { clickhouse: stack.clickhouse, pool: stack.metadata.pool, keyring: ringBA },
        (p) => {
          if (!p.finished && p.valuesDone > 0 && ++batches === 1) throw new Error('interrupted');
        },
        { batchRows: 3 },
      ),
    ).rejects.toThrow('interrupted');
    const events = await read('events');
    const onB = events.filter((r) => r.props.phone?.includes('enc:v1:kB:')).length;
    // Exactly one batch of three rows moved; the rest wait for the next run.
    expect(onB).toBe(3);
  });

  it('moves every value to the new key with counts unchanged, and the old key can go', async () => {
    const before = await counts();
    const result = await rotateCli(keys(B, A));
    expect(result.code, result.out).toBe(0);
    expect(result.out).toMatch(/mbank events: done, \d+ values re-encrypted/);
    expect(result.out).toMatch(/every sensitive value is on key kB/);
    expect(await counts()).toEqual(before);

    // Decrypt with B alone: A is no longer needed.
    const ringB = createKeyring([B], 'kB');
    let checked = 0;
    for (const table of TABLES) {
      for (const row of await read(table)) {
        const plain = expected.get(row.key)!;
        expect(row.num_props).not.toHaveProperty('phone');
        expect(row.props.phone).toMatch(/^hid:v1:kB:[0-9a-f]{64}:enc:v1:kB:/);
        // Equality filters find it through the hash under the new identifier key.
        expect(row.props.phone!.startsWith(identifierPrefix(ringB, 'phone', plain.phone!))).toBe(true);
        expect(row.props.name).toMatch(/^enc:v1:kB:/);
        for (const field of ['phone', 'name'] as const)
          expect(revealValue(ringB, { appId: APP, field }, row.props[field]!)).toBe(plain[field]);
        if (table === 'events') expect(row.props.channel_note).toMatch(/^n\d+$/);
        checked++;
      }
    }
    expect(checked).toBe(20);
    // The amount of row 1 stayed numeric; only the phone left num_props.
    const amounts = (await read('events')).map((r) => r.num_props.amount).sort((a, b) => a! - b!);
    expect(amounts).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('has nothing to do on a second run and leaves the values as they are', async () => {
    const before = await Promise.all(TABLES.map(read));
    const result = await rotateCli(keys(B));
    expect(result.code, result.out).toBe(0);
    expect(result.out).toMatch(/mbank events: nothing to do/);
    expect(await Promise.all(TABLES.map(read))).toEqual(before);
    const [audit] = await stack.metadata.pool.query(
      "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'data.key_rotation'",
    );
    expect(Number((audit as Array<{ n: number }>)[0]!.n)).toBe(2);
  });
});
