// Who a profile belongs to, read from the authoritative identity mapping in MySQL: the resolved
// person of each ingestion person (a device attributed to a customer resolves to the customer),
// and the member persons whose data make up a resolved person's profile (the customer and every
// device attributed to them). Read-only; never changes the mapping.
import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';

export interface PersonInfo {
  readonly personId: number;
  readonly kind: 'customer' | 'device';
  /** Login id of a customer; '' for a device. */
  readonly loginId: string;
  /** The customer a device is attributed to, or null (customers: always null). */
  readonly ownerId: number | null;
  readonly deleted: boolean;
}

const CHUNK = 1000;

/** Facts about persons by id (unknown ids are absent from the map). */
export async function describePersons(
  pool: Pool,
  appId: string,
  personIds: readonly number[],
): Promise<Map<number, PersonInfo>> {
  const out = new Map<number, PersonInfo>();
  for (let i = 0; i < personIds.length; i += CHUNK) {
    const [rows] = await pool.query<RowDataPacket[]>(
      `SELECT p.id, p.kind, p.external_id, p.deleted_at, d.customer_person_id
       FROM persons p
       LEFT JOIN device_first_logins d
         ON p.kind = 'device' AND d.app_id = p.app_id AND d.distinct_id = p.external_id
       WHERE p.app_id = ? AND p.id IN (?)`,
      [appId, personIds.slice(i, i + CHUNK)],
    );
    for (const r of rows) {
      const kind = r.kind === 'customer' ? 'customer' : 'device';
      out.set(Number(r.id), {
        personId: Number(r.id),
        kind,
        loginId: kind === 'customer' ? String(r.external_id) : '',
        ownerId: r.customer_person_id == null ? null : Number(r.customer_person_id),
        deleted: r.deleted_at != null,
      });
    }
  }
  return out;
}

/** Existing (not deleted) customer persons by login id; creates nothing. */
export async function findCustomers(
  pool: Pool,
  appId: string,
  loginIds: readonly string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < loginIds.length; i += CHUNK) {
    const [rows] = await pool.query<RowDataPacket[]>(
      "SELECT id, external_id FROM persons WHERE app_id = ? AND kind = 'customer' AND external_id IN (?) AND deleted_at IS NULL",
      [appId, loginIds.slice(i, i + CHUNK)],
    );
    for (const r of rows) out.set(String(r.external_id), Number(r.id));
  }
  return out;
}

/** Device persons attributed to each customer given (customer id -> device person ids). */
export async function devicesOf(
  pool: Pool,
  appId: string,
  customerIds: readonly number[],
): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  for (let i = 0; i < customerIds.length; i += CHUNK) {
    const [rows] = await pool.query<RowDataPacket[]>(
      `SELECT d.customer_person_id, p.id
       FROM device_first_logins d
       JOIN persons p ON p.app_id = d.app_id AND p.kind = 'device' AND p.external_id = d.distinct_id
       WHERE d.app_id = ? AND d.customer_person_id IN (?)`,
      [appId, customerIds.slice(i, i + CHUNK)],
    );
    for (const r of rows) {
      const owner = Number(r.customer_person_id);
      const list = out.get(owner) ?? [];
      list.push(Number(r.id));
      out.set(owner, list);
    }
  }
  return out;
}

/**
 * The next fold version (migration 0201): one atomic statement, so every fold in every worker
 * gets a distinct, increasing number from one clock, whatever the machines' clocks say.
 */
export async function nextFoldVersion(pool: Pool): Promise<number> {
  const [result] = await pool.query<ResultSetHeader>(
    'UPDATE profile_fold_clock SET v = LAST_INSERT_ID(v + 1) WHERE id = 1',
  );
  return Number(result.insertId);
}
