// Data-subject deletion: removes a customer everywhere Tally keeps them.
//   * MySQL: their bound identities and device attributions are deleted; their person rows (the
//     customer and every device attributed to them) are kept only as anonymous tombstones
//     (external id replaced by `deleted:<id>`), so the login id and device ids are gone and a
//     later login with the same id starts a new, unrelated person.
//   * ClickHouse: every row of those persons in events, profile_ops, profiles, person_activity
//     and person_overrides, by ALTER TABLE ... DELETE with mutations_sync = 2: the parts are
//     rewritten without the rows before this returns (physically gone, not just hidden).
// The events of a shared device that belong to another customer (their logged-in events) stay
// theirs. The deleted ids are listed in person_deletions, which ingestion workers check with
// every batch to drop them from their caches; a batch already past that check when the deletion
// commits can still store rows under a deleted id (running the deletion again removes them).
// The caller audits it (who, when, keyed hash of the customer key); this module logs nothing.
import type { ClickHouseClient } from '@tally/infra/clickhouse';
import type { Pool } from 'mysql2/promise';
import { devicesOf } from '../profiles/membership.ts';
import type { FoundPerson } from './customer-directory.ts';

export interface DeletionOutcome {
  /** The customer and the devices attributed to them. */
  readonly persons: number;
  readonly events: number;
}

const BY_PERSON = ['events', 'profile_ops', 'profiles', 'person_activity'] as const;

export async function deleteCustomer(
  deps: { pool: Pool; clickhouse: ClickHouseClient },
  appId: string,
  person: FoundPerson,
): Promise<DeletionOutcome> {
  const { pool, clickhouse } = deps;
  const devices =
    person.kind === 'customer'
      ? ((await devicesOf(pool, appId, [person.personId])).get(person.personId) ?? [])
      : [];
  const ids = [person.personId, ...devices];
  const counted = await clickhouse.query({
    query: 'SELECT count() AS n FROM events WHERE app_id = {app:String} AND person_id IN {ids:Array(UInt64)}',
    query_params: { app: appId, ids },
    format: 'JSONEachRow',
  });
  const events = Number((await counted.json<{ n: number }>())[0]?.n ?? 0);

  // MySQL first: from here on no new row can be resolved to these persons (except through a
  // worker's cache, see the header).
  const conn = await pool.getConnection();
  try {
    await conn.beginTransaction();
    await conn.query('DELETE FROM person_identities WHERE app_id = ? AND person_id IN (?)', [appId, ids]);
    await conn.query('DELETE FROM device_first_logins WHERE app_id = ? AND customer_person_id = ?', [
      appId,
      person.personId,
    ]);
    await conn.query(
      "UPDATE persons SET external_id = CONCAT('deleted:', id), deleted_at = CURRENT_TIMESTAMP(3) WHERE app_id = ? AND id IN (?)",
      [appId, ids],
    );
    await conn.query('INSERT INTO person_deletions (app_id, person_id) VALUES ?', [
      ids.map((id) => [appId, id]),
    ]);
    await conn.commit();
  } catch (error) {
    await conn.rollback();
    throw error;
  } finally {
    conn.release();
  }

  const params = { app: appId, ids };
  for (const table of BY_PERSON) {
    await clickhouse.command({
      query: `ALTER TABLE ${table} DELETE WHERE app_id = {app:String} AND person_id IN {ids:Array(UInt64)}`,
      query_params: params,
      clickhouse_settings: { mutations_sync: '2' },
    });
  }
  await clickhouse.command({
    query: `ALTER TABLE person_overrides DELETE
            WHERE app_id = {app:String} AND (old_person_id IN {ids:Array(UInt64)} OR new_person_id IN {ids:Array(UInt64)})`,
    query_params: params,
    clickhouse_settings: { mutations_sync: '2' },
  });
  return { persons: ids.length, events };
}
