// Protects the values of ID-Mapping identities (`bind(type, value)` from SDKs, the identity API)
// whose type is a field the app marked sensitive (a phone bound as an identity is marked like the
// `phone` property): the value travels and is stored as keyed hash + ciphertext
// (sensitive-value.ts protectIdentifier); `person_identities` keys on the hash part. Identities of
// unmarked types pass unchanged. Never lets a marked identity through in clear: without a key the
// batch fails (SensitiveKeyMissingError) and is retried.
import type { IdentityOpRow } from '@tally/infra/clickhouse';
import type { Pool } from 'mysql2/promise';
import type { SensitiveFields } from '../masking/mask-row.ts';
import { loadSensitiveFields } from '../masking/sensitive-fields.ts';
import type { Keyring } from './keyring.ts';
import { SensitiveKeyMissingError } from './property-protector.ts';
import { identifierPrefix, protectIdentifier } from './sensitive-value.ts';

/** type -> value with the marked types' values protected (a null-prototype copy when changed). */
export function protectIdentities(
  keyring: Keyring | null,
  sensitive: SensitiveFields,
  appId: string,
  identities: Record<string, string>,
): Record<string, string> {
  if (!Object.keys(identities).some((type) => sensitive.has(type))) return identities;
  if (!keyring) throw new SensitiveKeyMissingError(appId);
  const out: Record<string, string> = Object.create(null);
  for (const [type, value] of Object.entries(identities)) {
    const kind = sensitive.get(type);
    out[type] =
      kind && value !== '' ? protectIdentifier(keyring, { appId, field: type, kind }, value) : value;
  }
  return out;
}

/**
 * What `person_identities.id_value` holds for a caller's value: the keyed hash when the type is
 * marked, the value itself otherwise (so lookups by value keep working: the probe is hashed).
 */
export function identityLookupKey(
  keyring: Keyring,
  sensitive: SensitiveFields,
  type: string,
  value: string,
): string {
  const kind = sensitive.get(type);
  return kind ? identifierPrefix(keyring, kind, value).replace(/:$/, '') : value;
}

export interface IdentityProtector {
  /** The ops with marked identity values protected, in the same order. */
  protect(ops: readonly IdentityOpRow[]): Promise<IdentityOpRow[]>;
}

export function createIdentityProtector(deps: { pool: Pool; keyring: Keyring | null }): IdentityProtector {
  return {
    async protect(ops) {
      const byApp = new Map<string, SensitiveFields>();
      for (const op of ops) {
        if (!byApp.has(op.app_id)) byApp.set(op.app_id, await loadSensitiveFields(deps.pool, op.app_id));
      }
      return ops.map((op) => {
        const identities = protectIdentities(deps.keyring, byApp.get(op.app_id)!, op.app_id, op.identities);
        return identities === op.identities ? op : { ...op, identities };
      });
    },
  };
}
