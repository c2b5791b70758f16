// The CSV profile import's row ids (uuids of its profile_set operations) are keyed: an HMAC with
// the identifier key, computed here independently from the configured master key (HKDF as in
// keyring.ts, then HMAC-SHA256), so a stored uuid cannot be used to test a guessed phone number,
// while the same line under the same key keeps the same id (re-imports stay no-ops).
import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createKeyring } from '../../src/crypto/keyring.ts';
import { contentUuid } from '../../src/profiles/profile-import.ts';

const master = randomBytes(32);
const ring = createKeyring([{ id: 'k1', key: master }], 'k1');

function uuidLayout(hex: string): string {
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

describe('profile import row ids', () => {
  const parts = ['profile-import', 'mbank', 'C000123', '["B001","",[["phone","13812345678"]]]'];

  it('are the HMAC of the line under the identifier key', () => {
    const identifierKey = Buffer.from(
      hkdfSync('sha256', master, Buffer.alloc(0), 'tally:identifier-hash:v1', 32),
    );
    const expected = createHmac('sha256', identifierKey)
      .update(`profile-import-row\u0000${parts.join('\u0000')}`, 'utf8')
      .digest('hex');
    expect(contentUuid(ring, parts)).toBe(uuidLayout(expected));
  });

  it('are stable under one key (idempotent) and differ under another or from the unkeyed hash', () => {
    expect(contentUuid(ring, parts)).toBe(contentUuid(ring, [...parts]));
    const other = createKeyring([{ id: 'k1', key: randomBytes(32) }], 'k1');
    expect(contentUuid(other, parts)).not.toBe(contentUuid(ring, parts));
    const unkeyed = uuidLayout(createHash('sha256').update(parts.join('\u0000')).digest('hex'));
    expect(contentUuid(ring, parts)).not.toBe(unkeyed);
    expect(contentUuid(ring, parts)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
