// Finds a customer and what Tally knows about them, for the identity API: by login id, by a
// device's distinct id (the customer the device is attributed to, or the device's own anonymous
// person) or by a bound identity. Reads MySQL (mapping, identities) and the current profile from
// ClickHouse. Read-only; applies no org scope itself (callers check the profile's org codes).
import type { ClickHouseClient } from '@tally/infra/clickhouse';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { describePersons } from '../profiles/membership.ts';
import { CURRENT_PROFILES_SQL } from './current-profiles-sql.ts';

export type CustomerKey =
  | { readonly loginId: string }
  | { readonly distinctId: string }
  | {
      readonly idType: string;
      readonly idValue: string;
      /** Also accepted: the value as typed, for an identity bound before its type was marked. */
      readonly legacyValue?: string;
    };

export interface FoundPerson {
  readonly personId: number;
  readonly kind: 'customer' | 'device';
  readonly loginId: string;
}

export interface CurrentProfile {
  readonly props: Record<string, string>;
  readonly numProps: Record<string, number>;
  readonly bankCode: string;
  readonly branchCode: string;
  /** ISO times; null when the person has no event yet. */
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
}

/** The resolved person for a key, or null (unknown or deleted). */
export async function findPerson(pool: Pool, appId: string, key: CustomerKey): Promise<FoundPerson | null> {
  let personId: number | undefined;
  if ('loginId' in key) {
    const [rows] = await pool.query<RowDataPacket[]>(
      "SELECT id FROM persons WHERE app_id = ? AND kind = 'customer' AND external_id = ? AND deleted_at IS NULL",
      [appId, key.loginId],
    );
    personId = rows[0] ? Number(rows[0].id) : undefined;
  } else if ('distinctId' in key) {
    const [rows] = await pool.query<RowDataPacket[]>(
      "SELECT id FROM persons WHERE app_id = ? AND kind = 'device' AND external_id = ? AND deleted_at IS NULL",
      [appId, key.distinctId],
    );
    personId = rows[0] ? Number(rows[0].id) : undefined;
  } else {
    // The caller's route turns a value of a marked type into its keyed hash (idValue); until
    // the rotation job protects older bindings, those still hold the value as typed.
    const values = key.legacyValue === undefined ? [key.idValue] : [key.idValue, key.legacyValue];
    const [rows] = await pool.query<RowDataPacket[]>(
      'SELECT person_id FROM person_identities WHERE app_id = ? AND id_type = ? AND id_value IN (?) ORDER BY id_value LIKE ? DESC LIMIT 1',
      [appId, key.idType, values, 'hid:v1:%'],
    );
    personId = rows[0] ? Number(rows[0].person_id) : undefined;
  }
  if (personId === undefined) return null;
  let info = (await describePersons(pool, appId, [personId])).get(personId);
  if (info?.ownerId != null) info = (await describePersons(pool, appId, [info.ownerId])).get(info.ownerId);
  if (!info || info.deleted) return null;
  return { personId: info.personId, kind: info.kind, loginId: info.loginId };
}

/** Devices attributed to a customer (a device person: itself) with the first login on each. */
export async function devicesOfPerson(
  pool: Pool,
  appId: string,
  person: FoundPerson,
): Promise<Array<{ distinctId: string; firstLoginTime: string | null }>> {
  if (person.kind === 'device') {
    const [rows] = await pool.query<RowDataPacket[]>('SELECT external_id FROM persons WHERE id = ?', [
      person.personId,
    ]);
    return rows.map((r) => ({ distinctId: String(r.external_id), firstLoginTime: null }));
  }
  const [rows] = await pool.query<RowDataPacket[]>(
    'SELECT distinct_id, login_time FROM device_first_logins WHERE app_id = ? AND customer_person_id = ? ORDER BY login_time',
    [appId, person.personId],
  );
  return rows.map((r) => ({
    distinctId: String(r.distinct_id),
    firstLoginTime: new Date(Number(r.login_time)).toISOString(),
  }));
}

/**
 * Identities bound to the person, type -> value; a marked type's value in its protected form
 * (hash + ciphertext), which output masking reveals and masks like the property of that name.
 */
export async function identitiesOf(
  pool: Pool,
  appId: string,
  personId: number,
): Promise<Record<string, string>> {
  const [rows] = await pool.query<RowDataPacket[]>(
    'SELECT id_type, id_value, sealed_value FROM person_identities WHERE app_id = ? AND person_id = ? ORDER BY id_type',
    [appId, personId],
  );
  const out: Record<string, string> = Object.create(null);
  for (const r of rows) out[String(r.id_type)] = String(r.sealed_value ?? r.id_value);
  return out;
}

export async function currentProfile(
  clickhouse: ClickHouseClient,
  appId: string,
  personId: number,
): Promise<CurrentProfile | null> {
  const result = await clickhouse.query({
    query: `SELECT props, num_props, bank_code, branch_code,
              toUnixTimestamp64Milli(first_seen) AS fs, toUnixTimestamp64Milli(last_seen) AS ls
            FROM (${CURRENT_PROFILES_SQL}) WHERE person_id = {person:UInt64}`,
    query_params: { app: appId, person: personId },
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{
    props: Record<string, string>;
    num_props: Record<string, number>;
    bank_code: string;
    branch_code: string;
    fs: number;
    ls: number;
  }>();
  if (!row) return null;
  const iso = (ms: number) => (Number(ms) > 0 ? new Date(Number(ms)).toISOString() : null);
  return {
    props: row.props,
    numProps: row.num_props,
    bankCode: row.bank_code,
    branchCode: row.branch_code,
    firstSeen: iso(row.fs),
    lastSeen: iso(row.ls),
  };
}
