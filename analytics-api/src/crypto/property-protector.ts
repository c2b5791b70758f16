// Protects the sensitive properties of rows on their way into ClickHouse (`events`,
// `profile_ops`): every property marked sensitive for the row's app (masking/sensitive-fields)
// is replaced by its stored form (sensitive-value.ts). A sensitive value sent as a number (a phone
// number typed as a JSON number) moves from `num_props` to `props` first, so no marked field ever
// reaches the numeric map in clear. Used by the collector's ingestion writer (both modes) and the
// API's server-side profile operations. Never writes a plaintext of a marked field: an app with
// marked fields and no configured key fails the write (SensitiveKeyMissingError) instead.
import type { Pool } from 'mysql2/promise';
import type { SensitiveFields } from '../masking/mask-row.ts';
import { loadSensitiveFields } from '../masking/sensitive-fields.ts';
import type { Keyring } from './keyring.ts';
import { protectValue } from './sensitive-value.ts';

export interface PropertyRow {
  readonly app_id: string;
  props: Record<string, string>;
  num_props: Record<string, number>;
}

export class SensitiveKeyMissingError extends Error {
  override readonly name = 'SensitiveKeyMissingError';
  constructor(appId: string) {
    super(
      `app "${appId}" has sensitive fields but no encryption key is configured: set TALLY_SECRET_KEYS (or TALLY_SECRET_KEY) to the analytics API's keys`,
    );
  }
}

/** A copy of the row with its sensitive properties in their stored form. */
export function protectRow<T extends PropertyRow>(keyring: Keyring, sensitive: SensitiveFields, row: T): T {
  if (sensitive.size === 0) return row;
  let props: Record<string, string> | null = null;
  let numProps: Record<string, number> | null = null;
  for (const [field, kind] of sensitive) {
    const text = row.props[field];
    const number = row.num_props[field];
    if (text === undefined && number === undefined) continue;
    // Null-prototype copies, as the rows were built: property names come from clients.
    props ??= Object.assign(Object.create(null) as Record<string, string>, row.props);
    const plain = text ?? String(number);
    if (number !== undefined) {
      numProps ??= Object.assign(Object.create(null) as Record<string, number>, row.num_props);
      delete numProps[field];
    }
    // An empty value hides nothing (and profile_unset sends empty values).
    props[field] = plain === '' ? '' : protectValue(keyring, { appId: row.app_id, field, kind }, plain);
  }
  if (!props) return row;
  return { ...row, props, num_props: numProps ?? row.num_props };
}

export interface PropertyProtector {
  /** The rows with sensitive properties protected, in the same order. */
  protect<T extends PropertyRow>(rows: readonly T[]): Promise<T[]>;
}

/**
 * Reads each app's marked fields (cached for a few seconds by loadSensitiveFields) and protects
 * the rows with the keyring; `keyring` null means no key is configured.
 */
export function createPropertyProtector(deps: { pool: Pool; keyring: Keyring | null }): PropertyProtector {
  return {
    async protect(rows) {
      const byApp = new Map<string, SensitiveFields>();
      for (const row of rows) {
        if (!byApp.has(row.app_id)) byApp.set(row.app_id, await loadSensitiveFields(deps.pool, row.app_id));
      }
      return rows.map((row) => {
        const sensitive = byApp.get(row.app_id)!;
        if (sensitive.size === 0) return row;
        if (!deps.keyring) throw new SensitiveKeyMissingError(row.app_id);
        return protectRow(deps.keyring, sensitive, row);
      });
    },
  };
}
