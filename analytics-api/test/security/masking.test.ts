// Masking of every sensitive kind (expected strings written by hand from the bank conventions),
// row masking including nested property maps and encrypted values, and unmasking that needs both
// the permission and an explicit request, and is audited.
import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { encryptField } from '../../src/crypto/field-cipher.ts';
import { createKeyring } from '../../src/crypto/keyring.ts';
import { maskRow, maskRows } from '../../src/masking/mask-row.ts';
import { maskValue } from '../../src/masking/mask-value.ts';
import { ANONYMOUS, type Principal } from '../../src/permissions/principal.ts';
import { permissionsOfRoles } from '../../src/permissions/role-matrix.ts';

const analyst: Principal = {
  ...ANONYMOUS,
  kind: 'staff',
  id: '7',
  name: 'a',
  roles: ['analyst'],
  permissions: permissionsOfRoles(['analyst']),
};
const admin: Principal = {
  ...analyst,
  name: 'boss',
  roles: ['org_admin'],
  permissions: permissionsOfRoles(['org_admin']),
};
const fields = new Map([
  ['phone', 'phone'],
  ['id_no', 'id_card'],
  ['card', 'bank_card'],
  ['real_name', 'name'],
  ['addr', 'address'],
] as const);

describe('maskValue', () => {
  it('masks each kind the way bank staff expect', () => {
    expect(maskValue('phone', '13812345678')).toBe('138****5678');
    expect(maskValue('phone', 13812345678)).toBe('138****5678');
    expect(maskValue('phone', '+8613812345678')).toBe('+86****5678');
    expect(maskValue('phone', '12345')).toBe('*****');
    expect(maskValue('id_card', '220102199001011234')).toBe('2201**********1234');
    expect(maskValue('id_card', '22010219900101123X')).toBe('2201**********123X');
    expect(maskValue('bank_card', '6222021234567890123')).toBe('6222***********0123');
    expect(maskValue('bank_card', '12345678')).toBe('********');
    expect(maskValue('name', '张三')).toBe('张*');
    expect(maskValue('name', '欧阳娜娜')).toBe('欧***');
    expect(maskValue('name', '李')).toBe('*');
    expect(maskValue('address', '吉林省长春市朝阳区人民大街100号')).toBe('吉林省长春市****');
    expect(maskValue('address', '长春市')).toBe('长****');
    expect(maskValue('phone', '')).toBe('');
    expect(maskValue('name', null)).toBe('');
  });
});

describe('maskRow', () => {
  const row = {
    event: 'transfer',
    phone: '13812345678',
    props: { card: '6222021234567890123', amount: '100', real_name: '张三' },
    num: 5,
  };

  it('masks top-level and nested sensitive fields and leaves the rest alone', () => {
    expect(maskRow(row, fields, analyst)).toEqual({
      event: 'transfer',
      phone: '138****5678',
      props: { card: '6222***********0123', amount: '100', real_name: '张*' },
      num: 5,
    });
    expect(row.phone).toBe('13812345678');
  });

  it('reveals only with data.unmask AND an explicit request', () => {
    expect(maskRow(row, fields, analyst, { unmask: true }).phone).toBe('138****5678');
    expect(maskRow(row, fields, admin).phone).toBe('138****5678');
    expect(maskRow(row, fields, admin, { unmask: true })).toEqual(row);
  });

  it('decrypts encrypted values before masking or revealing them', () => {
    const keyring = createKeyring([{ id: 'k1', key: randomBytes(32) }], 'k1');
    const stored = { phone: encryptField(keyring, '13812345678', 'mbank:phone') };
    expect(maskRow(stored, fields, analyst, { keyring, context: 'mbank' })).toEqual({ phone: '138****5678' });
    expect(maskRow(stored, fields, admin, { keyring, context: 'mbank', unmask: true })).toEqual({
      phone: '13812345678',
    });
    // Without the key nothing leaks, not even the ciphertext.
    expect(maskRow(stored, fields, admin, { unmask: true })).toEqual({ phone: '' });
  });
});

describe('maskRows', () => {
  function fakeRequest(principal: Principal) {
    const audits: Array<{ action: string; details: Record<string, unknown> }> = [];
    // Only the two members maskRows reads; the audit sink is recorded here (the real one is
    // covered by the audit tests against MariaDB).
    const request = {
      principal,
      server: { keyring: createKeyring([{ id: 'k1', key: randomBytes(32) }], 'k1') },
      audit: async (action: string, details: Record<string, unknown>) => {
        audits.push({ action, details });
      },
    } as unknown as FastifyRequest;
    return { request, audits };
  }

  it('audits unmasking once per output with the row count, and never audits masked output', async () => {
    const rows = [{ phone: '13812345678' }, { phone: '13900001111' }];
    const masked = fakeRequest(admin);
    expect(await maskRows(masked.request, rows, fields, { purpose: 'export' })).toEqual([
      { phone: '138****5678' },
      { phone: '139****1111' },
    ]);
    expect(masked.audits).toEqual([]);
    const clear = fakeRequest(admin);
    expect(await maskRows(clear.request, rows, fields, { purpose: 'export', unmask: true })).toEqual(rows);
    expect(clear.audits).toEqual([
      {
        action: 'data.unmask',
        details: { purpose: 'export', fields: ['phone', 'id_no', 'card', 'real_name', 'addr'], rows: 2 },
      },
    ]);
    const refused = fakeRequest(analyst);
    await maskRows(refused.request, rows, fields, { purpose: 'export', unmask: true });
    expect(refused.audits).toEqual([]);
  });
});
