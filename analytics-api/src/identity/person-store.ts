// The authoritative identity mapping in MySQL. Every write is a single atomic statement keyed by
// a unique index (INSERT IGNORE, ON DUPLICATE KEY UPDATE with LEAST), so several ingestion
// workers resolving the same customer at once converge on one person and one first login
// without locks or retries. Never merges two customers.
import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { identifierKeyOf } from '../crypto/sensitive-value.ts';

export type PersonKind = 'customer' | 'device';

export interface FirstLogin {
  readonly customerPersonId: number;
  readonly loginTime: number;
}

export function createPersonStore(pool: Pool) {
  /** Person ids for external ids of one kind, creating the missing ones. */
  async function ensurePersons(
    appId: string,
    kind: PersonKind,
    externalIds: readonly string[],
  ): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    if (externalIds.length === 0) return ids;
    const select = async (list: readonly string[]) => {
      const [rows] = await pool.query<RowDataPacket[]>(
        'SELECT external_id, id FROM persons WHERE app_id = ? AND kind = ? AND external_id IN (?)',
        [appId, kind, list],
      );
      for (const row of rows) ids.set(String(row.external_id), Number(row.id));
    };
    // Read first: after a worker restart nearly every id exists, and a SELECT is far cheaper
    // than an INSERT IGNORE that collides on every row.
    await select(externalIds);
    const missing = externalIds.filter((id) => !ids.has(id));
    if (missing.length > 0) {
      await pool.query<ResultSetHeader>('INSERT IGNORE INTO persons (app_id, kind, external_id) VALUES ?', [
        missing.map((id) => [appId, kind, id]),
      ]);
      await select(missing);
    }
    return ids;
  }

  /**
   * Records logins seen on devices; keeps, per device, the customer with the earliest login time.
   * Returns the first login now in force for each device given, and the owners before.
   */
  async function recordLogins(
    appId: string,
    logins: ReadonlyArray<{ distinctId: string; customerPersonId: number; loginTime: number }>,
  ): Promise<{ inForce: Map<string, FirstLogin>; previous: Map<string, number> }> {
    const result = new Map<string, FirstLogin>();
    const previous = new Map<string, number>();
    if (logins.length === 0) return { inForce: result, previous };
    const distinctIds = [...new Set(logins.map((l) => l.distinctId))];
    // Owners before this write, so the profile folder can refold a customer who loses a device
    // to a late, earlier login. Another worker may change an owner between this read and the
    // write below; then that customer is refolded with its next activity instead.
    const [before] = await pool.query<RowDataPacket[]>(
      'SELECT distinct_id, customer_person_id, login_time FROM device_first_logins WHERE app_id = ? AND distinct_id IN (?)',
      [appId, distinctIds],
    );
    const known = new Map<string, FirstLogin>();
    for (const row of before) {
      previous.set(String(row.distinct_id), Number(row.customer_person_id));
      known.set(String(row.distinct_id), {
        customerPersonId: Number(row.customer_person_id),
        loginTime: Number(row.login_time),
      });
    }
    // Only logins earlier than the one stored can change anything (after a restart, most can't).
    const earlier = logins.filter((l) => {
      const k = known.get(l.distinctId);
      return !k || l.loginTime < k.loginTime;
    });
    for (const [distinctId, first] of known) result.set(distinctId, first);
    if (earlier.length === 0) return { inForce: result, previous };
    // One statement: an earlier login replaces a later one, a later one changes nothing.
    await pool.query(
      `INSERT INTO device_first_logins (app_id, distinct_id, customer_person_id, login_time) VALUES ?
       ON DUPLICATE KEY UPDATE
         customer_person_id = IF(VALUES(login_time) < login_time, VALUES(customer_person_id), customer_person_id),
         login_time = LEAST(login_time, VALUES(login_time))`,
      [earlier.map((l) => [appId, l.distinctId, l.customerPersonId, l.loginTime])],
    );
    const [rows] = await pool.query<RowDataPacket[]>(
      'SELECT distinct_id, customer_person_id, login_time FROM device_first_logins WHERE app_id = ? AND distinct_id IN (?)',
      [appId, [...new Set(earlier.map((l) => l.distinctId))]],
    );
    for (const row of rows) {
      result.set(String(row.distinct_id), {
        customerPersonId: Number(row.customer_person_id),
        loginTime: Number(row.login_time),
      });
    }
    return { inForce: result, previous };
  }

  /**
   * Binds identities to a customer; a value already bound to someone else stays theirs. A value
   * in identifier form (a marked type, crypto/identity-protector.ts) is keyed by its hash and
   * keeps its ciphertext in sealed_value; other values are keyed by themselves.
   */
  async function bindIdentities(
    appId: string,
    personId: number,
    identities: Record<string, string>,
  ): Promise<string[]> {
    const refused: string[] = [];
    for (const [type, value] of Object.entries(identities)) {
      const key = identifierKeyOf(value);
      await pool.query(
        'INSERT IGNORE INTO person_identities (app_id, id_type, id_value, sealed_value, person_id) VALUES (?, ?, ?, ?, ?)',
        [appId, type, key, key === value ? null : value, personId],
      );
      const [rows] = await pool.query<RowDataPacket[]>(
        'SELECT person_id FROM person_identities WHERE app_id = ? AND id_type = ? AND id_value = ?',
        [appId, type, key],
      );
      if (Number(rows[0]?.person_id) !== personId) refused.push(type);
    }
    return refused;
  }

  /** Removes the person's bindings of these values; returns how many were bound. */
  async function unbindIdentities(
    appId: string,
    personId: number,
    identities: Record<string, string>,
  ): Promise<number> {
    let removed = 0;
    for (const [type, value] of Object.entries(identities)) {
      const [result] = await pool.query<ResultSetHeader>(
        'DELETE FROM person_identities WHERE app_id = ? AND id_type = ? AND id_value = ? AND person_id = ?',
        [appId, type, identifierKeyOf(value), personId],
      );
      removed += result.affectedRows;
    }
    return removed;
  }

  return { ensurePersons, recordLogins, bindIdentities, unbindIdentities };
}

export type PersonStore = ReturnType<typeof createPersonStore>;
