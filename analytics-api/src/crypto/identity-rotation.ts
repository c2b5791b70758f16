// The key rotation job's MySQL part: ID-Mapping identities (`person_identities`) of types the app
// marked sensitive. Brings each onto the active encryption key and the configured identifier key:
// an identity bound in clear before its type was marked gets its keyed hash (the lookup key) and
// ciphertext; one under an older key or an older identifier key is decrypted here and protected
// again (its hash, and so its key, recomputed). Idempotent and resumable like the ClickHouse part
// (what needs work is read from the rows). Never drops a binding: when the new key is already
// bound (the same number bound again after marking), the older row is removed when it belongs to
// the same person, and otherwise left as it is and counted as a conflict for the operator to
// resolve with the identity API (unbind one of them).
import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { SensitiveKind } from '../masking/mask-value.ts';
import type { Keyring } from './keyring.ts';
import { identifierKeyOf, needsReprotect, protectIdentifier, revealValue } from './sensitive-value.ts';

const PAGE = 1_000;

export interface IdentityRotationResult {
  readonly appId: string;
  /** Identities of marked types looked at. */
  readonly identities: number;
  readonly rewritten: number;
  /** Left as they were because their new key is bound already. */
  readonly conflicts: number;
}

interface IdentityRow extends RowDataPacket {
  id_type: string;
  id_value: string;
  sealed_value: string | null;
}

/** The row's protected form under the current keys, or null when it is current (or cannot be). */
function nextSealed(keyring: Keyring, appId: string, kind: SensitiveKind, row: IdentityRow): string | null {
  const slot = { appId, field: row.id_type, kind };
  if (row.sealed_value === null) {
    // A bare hash without ciphertext cannot be recomputed; anything else is a plaintext.
    return row.id_value.startsWith('hid:v1:') ? null : protectIdentifier(keyring, slot, row.id_value);
  }
  if (!needsReprotect(keyring, row.sealed_value)) return null;
  return protectIdentifier(keyring, slot, revealValue(keyring, slot, row.sealed_value));
}

export async function rotateSensitiveIdentities(
  pool: Pool,
  keyring: Keyring,
  fieldsByApp: ReadonlyMap<string, ReadonlyMap<string, SensitiveKind>>,
): Promise<IdentityRotationResult[]> {
  const results: IdentityRotationResult[] = [];
  for (const [appId, fields] of fieldsByApp) {
    let identities = 0;
    let rewritten = 0;
    let conflicts = 0;
    let after: [string, string] = ['', ''];
    // Rows this run moved to a key later in the order: met again below, not counted twice.
    const moved = new Set<string>();
    for (;;) {
      // Keyset pages in primary-key order; a rewritten row moves to its new key, which may come
      // later in the order and is then seen again as current (no work).
      const [rows] = await pool.query<IdentityRow[]>(
        `SELECT id_type, id_value, sealed_value FROM person_identities
          WHERE app_id = ? AND id_type IN (?) AND (id_type, id_value) > (?, ?)
          ORDER BY id_type, id_value LIMIT ?`,
        [appId, [...fields.keys()], after[0], after[1], PAGE],
      );
      for (const row of rows) {
        if (moved.has(`${row.id_type}\u0000${row.id_value}`)) continue;
        identities++;
        const sealed = nextSealed(keyring, appId, fields.get(row.id_type)!, row);
        if (sealed === null) continue;
        const [result] = await pool.query<ResultSetHeader>(
          'UPDATE IGNORE person_identities SET id_value = ?, sealed_value = ? WHERE app_id = ? AND id_type = ? AND id_value = ?',
          [identifierKeyOf(sealed), sealed, appId, row.id_type, row.id_value],
        );
        // changedRows, not affectedRows: the client reports matched rows (FOUND_ROWS) as affected,
        // and an update IGNOREd for a duplicate key still matched its row.
        if (result.changedRows === 1) {
          rewritten++;
          moved.add(`${row.id_type}\u0000${identifierKeyOf(sealed)}`);
          continue;
        }
        // The same person holds it under the new key too: the old row is a duplicate.
        const [duplicate] = await pool.query<ResultSetHeader>(
          `DELETE old FROM person_identities old JOIN person_identities cur
             ON cur.app_id = old.app_id AND cur.id_type = old.id_type AND cur.id_value = ? AND cur.person_id = old.person_id
           WHERE old.app_id = ? AND old.id_type = ? AND old.id_value = ?`,
          [identifierKeyOf(sealed), appId, row.id_type, row.id_value],
        );
        if (duplicate.affectedRows === 1) rewritten++;
        else conflicts++;
      }
      const last = rows.at(-1);
      if (!last || rows.length < PAGE) break;
      after = [last.id_type, last.id_value];
    }
    results.push({ appId, identities, rewritten, conflicts });
  }
  return results;
}
