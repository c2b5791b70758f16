// The analysis policy for sensitive properties on query shapes of every model (nested funnel step
// filters, link and value properties, user-property filters): equality on identifiers becomes a
// keyed-hash match computed from the typed value, everything else naming the field is refused
// with its exact path, and queries that do not touch a sensitive field come back unchanged.
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createKeyring } from '../../src/crypto/keyring.ts';
import { ApiError } from '../../src/errors/catalogue.ts';
import type { SensitiveKind } from '../../src/masking/mask-value.ts';
import { applySensitiveQueryPolicy } from '../../src/masking/sensitive-query-policy.ts';

const master = randomBytes(32);
const ring = createKeyring([{ id: 'k1', key: master }], 'k1');
/** The documented token, computed here without the code under test: HKDF -> HMAC(kind NUL value). */
function expectedPrefix(kind: string, normalised: string): string {
  const key = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'tally:identifier-hash:v1', 32));
  const hash = createHmac('sha256', key).update(`sensitive:${kind}\u0000${normalised}`).digest('hex');
  return `hid:v1:k1:${hash}:`;
}
const sensitive = new Map<string, SensitiveKind>([
  ['phone', 'phone'],
  ['id_card', 'id_card'],
  ['address', 'address'],
]);
const apply = (query: object) => applySensitiveQueryPolicy(query, sensitive, ring);
const refusal = (query: object): string | undefined => {
  try {
    apply(query);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('SENSITIVE_PROPERTY');
    return (error as ApiError & { field?: string }).field;
  }
};

describe('sensitive query policy', () => {
  it('leaves queries without sensitive properties alone', () => {
    const query = {
      appId: 'a',
      filters: [{ property: 'amount', op: 'gt', values: [5] }],
      groupBy: [{ property: 'city' }],
    };
    expect(apply(query)).toEqual(query);
    expect(applySensitiveQueryPolicy(query, new Map(), ring)).toBe(query);
  });

  it('rewrites equality on identifiers inside funnel steps and user-property filters', () => {
    const out = apply({
      steps: [
        { event: 'a', filters: [{ property: 'phone', op: 'in', values: ['138 1234 5678', '13900001111'] }] },
        {
          event: 'b',
          filters: [{ source: 'user', property: 'id_card', op: 'neq', values: ['22010219900101123x'] }],
        },
      ],
    }) as { steps: Array<{ filters: Array<{ op: string; values: string[] }> }> };
    // Expected tokens from the documented normalisation, written out by hand.
    expect(out.steps[0]!.filters[0]).toEqual({
      property: 'phone',
      op: 'contains',
      values: [expectedPrefix('phone', '13812345678'), expectedPrefix('phone', '13900001111')],
    });
    expect(out.steps[1]!.filters[0]).toEqual({
      source: 'user',
      property: 'id_card',
      op: 'not_contains',
      values: [expectedPrefix('id_card', '22010219900101123X')],
    });
    expect(out.steps[0]!.filters[0]!.values[0]).toMatch(/^hid:v1:k1:[0-9a-f]{64}:$/);
  });

  it('refuses every other use with the path of the field', () => {
    expect(refusal({ groupBy: [{ property: 'city' }, { property: 'phone' }] })).toBe('groupBy[1].property');
    expect(refusal({ steps: [{ event: 'a' }, { event: 'b' }], linkProperty: 'id_card' })).toBe(
      'linkProperty',
    );
    expect(refusal({ valueProperty: 'phone' })).toBe('valueProperty');
    expect(refusal({ metrics: [{ event: 'e', aggregation: 'distinct', property: 'phone' }] })).toBe(
      'metrics[0].property',
    );
    expect(refusal({ filters: [{ property: 'phone', op: 'gt', values: [1] }] })).toBe('filters[0].op');
    expect(refusal({ filters: [{ property: 'address', op: 'eq', values: ['x'] }] })).toBe('filters[0].op');
    expect(refusal({ filters: [{ property: 'address', op: 'is_set' }] })).toBeUndefined();
  });

  it('for storage keeps the op with tokens as values; a token is never hashed again', () => {
    const saved = applySensitiveQueryPolicy(
      { filters: [{ property: 'phone', op: 'in', values: ['138-1234-5678'] }] },
      sensitive,
      ring,
      { forStorage: true, path: 'query' },
    );
    expect(saved).toEqual({
      filters: [{ property: 'phone', op: 'in', values: [expectedPrefix('phone', '13812345678')] }],
    });
    // Running the saved query: the stored token is matched as it is.
    expect(apply(saved)).toEqual({
      filters: [{ property: 'phone', op: 'contains', values: [expectedPrefix('phone', '13812345678')] }],
    });
    let field: string | undefined;
    try {
      applySensitiveQueryPolicy({ groupBy: [{ property: 'phone' }] }, sensitive, ring, { path: 'query' });
    } catch (error) {
      field = (error as ApiError & { field?: string }).field;
    }
    expect(field).toBe('query.groupBy[0].property');
  });
});
