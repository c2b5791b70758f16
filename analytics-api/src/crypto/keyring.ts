// Turns the configured master keys into purpose-bound keys (HKDF-SHA256), so one configured
// secret never serves two purposes: field encryption, identifier hashing and CSRF tokens each get
// their own derived key. Never logs or returns master keys.
import { hkdfSync } from 'node:crypto';
import type { SecretKey } from '../config.ts';

export interface Keyring {
  /** Id of the key that encrypts new values (the first configured key). */
  readonly activeKeyId: string;
  /** Field-encryption key for an id, or undefined when that key was removed from the config. */
  encryptionKey(keyId: string): Buffer | undefined;
  /** HMAC key for identifiers; pinned to one key id so hashes stay joinable across rotations. */
  readonly identifierKey: Buffer;
  /** Id of the configured key the identifier key is derived from (TALLY_IDENTIFIER_KEY_ID). */
  readonly identifierKeyId: string;
  /** HMAC key for session-bound CSRF tokens (active key: rotating it ends CSRF tokens, not sessions). */
  readonly csrfKey: Buffer;
}

function derive(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `tally:${purpose}:v1`, 32));
}

export function createKeyring(keys: readonly SecretKey[], identifierKeyId: string): Keyring {
  const first = keys[0];
  if (!first) throw new Error('createKeyring: at least one secret key is required');
  const identifierMaster = keys.find((k) => k.id === identifierKeyId);
  if (!identifierMaster) throw new Error(`createKeyring: no key with id "${identifierKeyId}"`);
  const encryption = new Map(keys.map((k) => [k.id, derive(k.key, 'field-encryption')]));
  return {
    activeKeyId: first.id,
    encryptionKey: (keyId) => encryption.get(keyId),
    identifierKey: derive(identifierMaster.key, 'identifier-hash'),
    identifierKeyId: identifierMaster.id,
    csrfKey: derive(first.key, 'csrf'),
  };
}
