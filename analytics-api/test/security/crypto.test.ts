// Field encryption and identifier hashing: round trip, tamper and context detection, key
// rotation (old values readable, re-encryption moves them to the new key, a removed key fails
// loudly), and keyed identifier hashes.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadApiConfig, parseSecretKeys } from '../../src/config.ts';
import {
  decryptField,
  encryptField,
  FieldDecryptError,
  isEncrypted,
  rotateField,
} from '../../src/crypto/field-cipher.ts';
import { hashIdentifier } from '../../src/crypto/identifier-hash.ts';
import { createKeyring } from '../../src/crypto/keyring.ts';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };

describe('field encryption', () => {
  const ring = createKeyring([k1], 'k1');

  it('round-trips text, including Chinese and empty strings, with a fresh IV each time', () => {
    for (const plain of ['13812345678', '张三丰', '', '北京市朝阳区建国路 88 号']) {
      const a = encryptField(ring, plain, 'mbank:phone');
      const b = encryptField(ring, plain, 'mbank:phone');
      expect(a).toMatch(/^enc:v1:k1:[A-Za-z0-9_-]+$/);
      expect(a).not.toBe(b);
      expect(a).not.toContain(plain || '\u0000');
      expect(decryptField(ring, a, 'mbank:phone')).toBe(plain);
    }
  });

  it('detects tampering and a value moved to another field', () => {
    const value = encryptField(ring, '13812345678', 'mbank:phone');
    const packed = Buffer.from(value.split(':')[3]!, 'base64url');
    packed[packed.length - 1]! ^= 1;
    const tampered = `enc:v1:k1:${packed.toString('base64url')}`;
    expect(() => decryptField(ring, tampered, 'mbank:phone')).toThrow(FieldDecryptError);
    expect(() => decryptField(ring, value, 'mbank:id_card')).toThrow(/authentication/);
    expect(() => decryptField(ring, '13812345678')).toThrow(/not an encrypted/);
    expect(isEncrypted('13812345678')).toBe(false);
  });

  it('rotates: the new key encrypts, old values stay readable and re-encrypt onto the new key', () => {
    const old = encryptField(createKeyring([k1], 'k1'), '6222021234567890123');
    const rotated = createKeyring([k2, k1], 'k1');
    expect(decryptField(rotated, old)).toBe('6222021234567890123');
    expect(encryptField(rotated, 'x')).toMatch(/^enc:v1:k2:/);
    const moved = rotateField(rotated, old);
    expect(moved).toMatch(/^enc:v1:k2:/);
    expect(rotateField(rotated, moved)).toBe(moved);
    const retired = createKeyring([k2], 'k2');
    expect(decryptField(retired, moved)).toBe('6222021234567890123');
    expect(() => decryptField(retired, old)).toThrow(/not configured/);
  });
});

describe('identifier hashing', () => {
  it('is keyed, stable across encryption-key rotation, and separates kinds', () => {
    const ring = createKeyring([k1], 'k1');
    const h = hashIdentifier(ring, 'phone', '13812345678');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(h).toBe(hashIdentifier(ring, 'phone', ' 13812345678 '));
    expect(h).not.toBe(createHash('sha256').update('13812345678').digest('hex'));
    expect(h).not.toBe(hashIdentifier(ring, 'bank_card', '13812345678'));
    // Rotating the encryption key (new first key) keeps the pinned identifier key.
    expect(hashIdentifier(createKeyring([k2, k1], 'k1'), 'phone', '13812345678')).toBe(h);
    expect(hashIdentifier(createKeyring([k2], 'k2'), 'phone', '13812345678')).not.toBe(h);
  });
});

describe('key configuration', () => {
  const b64 = (b: Buffer) => b.toString('base64');

  it('parses key lists and refuses bad keys', () => {
    expect(parseSecretKeys(`k2:${b64(k2.key)}, k1:${b64(k1.key)}`).map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(() => parseSecretKeys(`k1:${b64(randomBytes(16))}`)).toThrow(/32 bytes/);
    expect(() => parseSecretKeys(`bad id:${b64(k1.key)}`)).toThrow(/key id/);
    expect(() => parseSecretKeys(`k1:${b64(k1.key)},k1:${b64(k2.key)}`)).toThrow(/twice/);
  });

  it('requires a key, pins the identifier key to the oldest by default, and freezes the result', () => {
    expect(() => loadApiConfig({})).toThrow(/TALLY_SECRET_KEYS/);
    const config = loadApiConfig({ TALLY_SECRET_KEYS: `k2:${b64(k2.key)},k1:${b64(k1.key)}`, PORT: '9000' });
    expect(config.identifierKeyId).toBe('k1');
    expect(config.port).toBe(9000);
    expect(config.cookieSecure).toBe(false);
    expect(Object.isFrozen(config)).toBe(true);
    expect(
      loadApiConfig({ TALLY_SECRET_KEY: b64(k1.key), TLS_CERT_FILE: '/c', TLS_KEY_FILE: '/k' }).cookieSecure,
    ).toBe(true);
    expect(() => loadApiConfig({ TALLY_SECRET_KEY: b64(k1.key), TLS_CERT_FILE: '/c' })).toThrow(/together/);
    expect(() => loadApiConfig({ TALLY_SECRET_KEY: b64(k1.key), PORT: 'http' })).toThrow(/PORT/);
  });
});
