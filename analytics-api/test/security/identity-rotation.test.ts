// The key rotation job's MySQL part on real MariaDB: identities of a marked type bound in clear
// (before the type was marked) or under the old keys end up keyed by the hash under the new
// identifier key (computed here from the key bytes with HKDF + HMAC, not by the code under test)
// with a ciphertext that decrypts with the new key alone; unmarked types are untouched; a number
// bound twice to the same person collapses to one row, bound to two persons is reported as a
// conflict and left alone; a second run has nothing to do.
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateSensitiveIdentities } from '../../src/crypto/identity-rotation.ts';
import { createKeyring } from '../../src/crypto/keyring.ts';
import { identifierKeyOf, protectIdentifier, revealValue } from '../../src/crypto/sensitive-value.ts';
import type { SensitiveKind } from '../../src/masking/mask-value.ts';
import { type ApiStack, startApiStack } from './support/api-stack.ts';

const A = { id: 'kA', key: randomBytes(32) };
const B = { id: 'kB', key: randomBytes(32) };
const APP = 'rot-ids';
const FIELDS = new Map([[APP, new Map<string, SensitiveKind>([['phone', 'phone']])]]);
const slot = { appId: APP, field: 'phone', kind: 'phone' as const };

const hashUnderB = (digits: string) => {
  const key = Buffer.from(hkdfSync('sha256', B.key, Buffer.alloc(0), 'tally:identifier-hash:v1', 32));
  return `hid:v1:kB:${createHmac('sha256', key).update(`sensitive:phone\u0000${digits}`).digest('hex')}`;
};

describe('identity key rotation', () => {
  let stack: ApiStack;
  const ringA = createKeyring([A], 'kA');
  const ringB = createKeyring([B, A], 'kB');
  const onlyB = createKeyring([B], 'kB');

  const bind = async (type: string, stored: string, personId: number) =>
    stack.metadata.pool.query(
      'INSERT INTO person_identities (app_id, id_type, id_value, sealed_value, person_id) VALUES (?, ?, ?, ?, ?)',
      [APP, type, identifierKeyOf(stored), identifierKeyOf(stored) === stored ? null : stored, personId],
    );
  const rows = async () => {
    const [found] = await stack.metadata.pool.query<RowDataPacket[]>(
      'SELECT id_type, id_value, sealed_value, person_id FROM person_identities WHERE app_id = ? ORDER BY person_id, id_value',
      [APP],
    );
    return found.map((r) => ({
      type: String(r.id_type),
      key: String(r.id_value),
      sealed: r.sealed_value === null ? null : String(r.sealed_value),
      person: Number(r.person_id),
    }));
  };

  beforeAll(async () => {
    stack = await startApiStack();
    await bind('phone', '13800000001', 1); // bound before the type was marked
    await bind('phone', protectIdentifier(ringA, slot, '13800000002'), 2); // under the old keys
    await bind('union_no', 'U-1', 3); // unmarked type
    await bind('phone', '13800000004', 4); // in clear for person 4 ...
    await bind('phone', protectIdentifier(ringB, slot, '13800000004'), 5); // ... and under B for person 5
    await bind('phone', '13800000006', 6); // twice for person 6
    await bind('phone', protectIdentifier(ringB, slot, '13800000006'), 6);
  }, 120_000);
  afterAll(async () => stack?.stop());

  it('moves identities onto the new keys, reports conflicts, and is idempotent', async () => {
    const [first] = await rotateSensitiveIdentities(stack.metadata.pool, ringB, FIELDS);
    expect(first).toEqual({ appId: APP, identities: 6, rewritten: 3, conflicts: 1 });
    const after = await rows();
    expect(after.map((r) => [r.person, r.type, r.key])).toEqual([
      [1, 'phone', hashUnderB('13800000001')],
      [2, 'phone', hashUnderB('13800000002')],
      [3, 'union_no', 'U-1'],
      [4, 'phone', '13800000004'],
      [5, 'phone', hashUnderB('13800000004')],
      [6, 'phone', hashUnderB('13800000006')],
    ]);
    for (const [person, digits] of [
      [1, '13800000001'],
      [2, '13800000002'],
    ] as const) {
      const sealed = after.find((r) => r.person === person)!.sealed!;
      expect(sealed).toMatch(/^hid:v1:kB:[0-9a-f]{64}:enc:v1:kB:/);
      expect(revealValue(onlyB, slot, sealed)).toBe(digits);
    }
    const [second] = await rotateSensitiveIdentities(stack.metadata.pool, ringB, FIELDS);
    expect(second).toEqual({ appId: APP, identities: 5, rewritten: 0, conflicts: 1 });
    expect(await rows()).toEqual(after);
  });
});
