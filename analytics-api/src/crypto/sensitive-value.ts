// How one sensitive property value is stored at rest, by kind of personal data:
//   name, address             -> `enc:v1:<key id>:<iv|tag|ct>`            (ciphertext only)
//   phone, id_card, bank_card -> `hid:v1:<hash key id>:<keyed hash>:enc:v1:<key id>:...` (identifier form)
// Identifiers carry a keyed HMAC of the normalised value in front of the ciphertext, so an
// equality filter ("customers with phone 13812345678") becomes a prefix match on a token
// computed from the caller's value, while the ciphertext still lets a caller with `data.unmask`
// see the value and lets the output show it masked (138****5678). The hash key is pinned
// (TALLY_IDENTIFIER_KEY_ID), so equality keeps working across rotations of the encryption key;
// its id is stored too, so the rotation job can also move hashes to a new identifier key.
// The ciphertext is bound to `<app id>:<field>` (associated data). Never returns a plaintext
// for a value it cannot authenticate, and never stores a plaintext for a marked field.
import type { SensitiveKind } from '../masking/mask-value.ts';
import { decryptField, encryptField, isEncrypted } from './field-cipher.ts';
import { hashIdentifier } from './identifier-hash.ts';
import type { Keyring } from './keyring.ts';

const IDENTIFIER_PREFIX = 'hid:v1:';
const ENCRYPTED_PREFIX = 'enc:v1:';
const IDENTIFIER_KINDS: ReadonlySet<SensitiveKind> = new Set(['phone', 'id_card', 'bank_card']);

/** Where a stored value sits: app and field name the associated data; kind picks the form. */
export interface SensitiveSlot {
  readonly appId: string;
  readonly field: string;
  readonly kind: SensitiveKind;
}

/** True for kinds stored with an equality token (they serve to find a customer). */
export function isIdentifierKind(kind: SensitiveKind): boolean {
  return IDENTIFIER_KINDS.has(kind);
}

/** True when the value is in one of the stored forms above (not a plaintext). */
export function isProtected(value: string): boolean {
  return value.startsWith(IDENTIFIER_PREFIX) || isEncrypted(value);
}

/**
 * The spelling differences that do not make another identifier: spaces and dashes in phone and
 * card numbers (138-1234-5678), and the case of an ID card's check character (x / X).
 */
export function normaliseIdentifier(kind: SensitiveKind, value: string): string {
  const compact = value.trim().replace(/[\s-]/g, '');
  return kind === 'id_card' ? compact.toUpperCase() : compact;
}

/** The text every stored identifier of this kind and value starts with (`hid:v1:<key id>:<hash>:`). */
export function identifierPrefix(keyring: Keyring, kind: SensitiveKind, value: string): string {
  const hash = hashIdentifier(keyring, `sensitive:${kind}`, normaliseIdentifier(kind, value));
  return `${IDENTIFIER_PREFIX}${keyring.identifierKeyId}:${hash}:`;
}

/** Id of the key an identifier's hash was made with; null for other forms. */
function hashKeyIdOf(stored: string): string | null {
  if (!stored.startsWith(IDENTIFIER_PREFIX)) return null;
  const end = stored.indexOf(':', IDENTIFIER_PREFIX.length);
  return end < 0 ? null : stored.slice(IDENTIFIER_PREFIX.length, end);
}

/** The associated data; an empty app id binds to the field alone (values outside any app). */
function context(slot: Pick<SensitiveSlot, 'appId' | 'field'>): string {
  return slot.appId ? `${slot.appId}:${slot.field}` : slot.field;
}

/** The ciphertext part of a stored value (identifier form: after the hash). */
function ciphertextOf(stored: string): string {
  if (!stored.startsWith(IDENTIFIER_PREFIX)) return stored;
  const at = stored.indexOf(ENCRYPTED_PREFIX, IDENTIFIER_PREFIX.length);
  return at < 0 ? '' : stored.slice(at);
}

/** Stores a plaintext; a value already protected is returned unchanged (idempotent). */
export function protectValue(keyring: Keyring, slot: SensitiveSlot, plaintext: string): string {
  if (isProtected(plaintext)) return plaintext;
  const ciphertext = encryptField(keyring, plaintext, context(slot));
  return isIdentifierKind(slot.kind)
    ? `${identifierPrefix(keyring, slot.kind, plaintext)}${ciphertext}`
    : ciphertext;
}

/**
 * An identity value (ID-Mapping, `person_identities`) in identifier form whatever its kind: the
 * keyed hash is the lookup key there, so it must be deterministic even for a name; the
 * ciphertext is bound like the property of the same name, so output masking reveals it alike.
 */
export function protectIdentifier(keyring: Keyring, slot: SensitiveSlot, plaintext: string): string {
  if (isProtected(plaintext)) return plaintext;
  return `${identifierPrefix(keyring, slot.kind, plaintext)}${encryptField(keyring, plaintext, context(slot))}`;
}

/**
 * The lookup key of an identity value: `hid:v1:<key id>:<hash>` for the identifier form (the
 * same for every encryption of one value), the value itself otherwise.
 */
export function identifierKeyOf(stored: string): string {
  if (!stored.startsWith(IDENTIFIER_PREFIX)) return stored;
  const at = stored.indexOf(`:${ENCRYPTED_PREFIX}`, IDENTIFIER_PREFIX.length);
  return at < 0 ? stored.replace(/:$/, '') : stored.slice(0, at);
}

/**
 * The plaintext of a stored value. A value stored before its field was marked sensitive is
 * returned as it is (the rotation job protects those). Throws FieldDecryptError when the value
 * does not authenticate or its key was removed.
 */
export function revealValue(
  keyring: Keyring,
  slot: Pick<SensitiveSlot, 'appId' | 'field'>,
  stored: string,
): string {
  if (!isProtected(stored)) return stored;
  return decryptField(keyring, ciphertextOf(stored), context(slot));
}

/** Id of the key a stored value was encrypted with; null for a plaintext. */
export function keyIdOf(stored: string): string | null {
  if (!isProtected(stored)) return null;
  const ciphertext = ciphertextOf(stored).slice(ENCRYPTED_PREFIX.length);
  const colon = ciphertext.indexOf(':');
  return colon > 0 ? ciphertext.slice(0, colon) : null;
}

/**
 * True when the value needs the rotation job: a plaintext, encrypted under an older key, or an
 * identifier hashed with another identifier key.
 */
export function needsReprotect(keyring: Keyring, stored: string): boolean {
  if (stored === '') return false;
  if (keyIdOf(stored) !== keyring.activeKeyId) return true;
  const hashKeyId = hashKeyIdOf(stored);
  return hashKeyId !== null && hashKeyId !== keyring.identifierKeyId;
}

/**
 * Rotation: the value re-encrypted under the active key (and its token recomputed from the
 * plaintext); values already on the active key come back unchanged, plaintexts get protected.
 */
export function reprotectValue(keyring: Keyring, slot: SensitiveSlot, stored: string): string {
  if (!needsReprotect(keyring, stored)) return stored;
  const plaintext = revealValue(keyring, slot, stored);
  const ciphertext =
    keyIdOf(stored) === keyring.activeKeyId
      ? ciphertextOf(stored)
      : encryptField(keyring, plaintext, context(slot));
  return isIdentifierKind(slot.kind)
    ? `${identifierPrefix(keyring, slot.kind, plaintext)}${ciphertext}`
    : ciphertext;
}
