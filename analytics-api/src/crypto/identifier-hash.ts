// Keyed hashes for identifiers that must stay joinable but never readable (phone numbers or ID
// card numbers used to find a customer): HMAC-SHA256 with a key derived from the configuration.
// A plain SHA-256 would be reversible by enumerating the ~10^10 phone numbers; the key prevents that.
import { createHmac } from 'node:crypto';
import type { Keyring } from './keyring.ts';

/**
 * Hex HMAC of `kind` + the trimmed value. The kind is part of the input so the same digits as a
 * phone and as a card number never hash alike.
 */
export function hashIdentifier(keyring: Keyring, kind: string, value: string): string {
  return createHmac('sha256', keyring.identifierKey)
    .update(`${kind}\u0000${value.trim()}`, 'utf8')
    .digest('hex');
}
