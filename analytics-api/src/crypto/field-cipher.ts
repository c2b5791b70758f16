// Authenticated encryption of sensitive field values at rest: AES-256-GCM with a random 96-bit
// IV per value, the key id in the clear so old values stay readable after a rotation, and an
// optional context (e.g. `app:field`) bound as associated data so a ciphertext copied into
// another field fails to decrypt. Never returns partially decrypted data.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keyring } from './keyring.ts';

const PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class FieldDecryptError extends Error {
  constructor(
    readonly code: 'NOT_ENCRYPTED' | 'UNKNOWN_KEY' | 'TAMPERED',
    message: string,
  ) {
    super(message);
  }
}

export function isEncrypted(value: string): boolean {
  return value.startsWith(PREFIX);
}

/** `enc:v1:<keyId>:<base64url(iv | tag | ciphertext)>` */
export function encryptField(keyring: Keyring, plaintext: string, context = ''): string {
  const key = keyring.encryptionKey(keyring.activeKeyId)!;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const packed = Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  return `${PREFIX}${keyring.activeKeyId}:${packed}`;
}

export function decryptField(keyring: Keyring, value: string, context = ''): string {
  if (!isEncrypted(value)) throw new FieldDecryptError('NOT_ENCRYPTED', 'value is not an encrypted field');
  const rest = value.slice(PREFIX.length);
  const colon = rest.indexOf(':');
  const keyId = rest.slice(0, colon);
  const key = colon > 0 ? keyring.encryptionKey(keyId) : undefined;
  if (!key)
    throw new FieldDecryptError(
      'UNKNOWN_KEY',
      `value was encrypted with key "${keyId}", which is not configured; keep retired keys in TALLY_SECRET_KEYS until re-encryption finishes`,
    );
  const packed = Buffer.from(rest.slice(colon + 1), 'base64url');
  if (packed.length < IV_BYTES + TAG_BYTES)
    throw new FieldDecryptError('TAMPERED', 'ciphertext is truncated');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, packed.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(packed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(packed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new FieldDecryptError(
      'TAMPERED',
      'ciphertext failed authentication (wrong key, context or tampered)',
    );
  }
}

/** Re-encrypts a value under the active key (rotation); values already on it are returned as-is. */
export function rotateField(keyring: Keyring, value: string, context = ''): string {
  if (value.startsWith(`${PREFIX}${keyring.activeKeyId}:`)) return value;
  return encryptField(keyring, decryptField(keyring, value, context), context);
}
