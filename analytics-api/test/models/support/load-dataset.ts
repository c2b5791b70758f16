// Writes a Dataset into a fresh app of the real ClickHouse: events, person_overrides, profiles
// (the catalog fills itself through its materialized views, as in production).
import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@tally/infra/clickhouse';
import type { Dataset } from './dataset.ts';

let apps = 0;

/** Loads the dataset under a new app id (or the one given, for tests that need its name) and returns it. */
export async function loadDataset(
  clickhouse: ClickHouseClient,
  data: Dataset,
  appId = `ds_${process.pid}_${++apps}`,
): Promise<string> {
  if (data.events.length) {
    await clickhouse.insert({
      table: 'events',
      format: 'JSONEachRow',
      values: data.events.map((e) => ({
        app_id: appId,
        event: e.event,
        time: e.time,
        receive_time: e.time,
        uuid: randomUUID(),
        distinct_id: `d${e.personId}`,
        login_id: e.loginId ?? '',
        person_id: e.personId,
        session_id: e.sessionId,
        bank_code: e.bankCode,
        branch_code: e.branchCode,
        props: e.props,
        num_props: e.numProps,
      })),
    });
  }
  if (data.overrides.length) {
    await clickhouse.insert({
      table: 'person_overrides',
      format: 'JSONEachRow',
      values: data.overrides.map(([oldId, newId]) => ({
        app_id: appId,
        old_person_id: oldId,
        new_person_id: newId,
        version: 1,
      })),
    });
  }
  if (data.profiles.length) {
    await clickhouse.insert({
      table: 'profiles',
      format: 'JSONEachRow',
      values: data.profiles.map((p) => ({
        app_id: appId,
        person_id: p.personId,
        login_id: p.loginId ?? '',
        bank_code: p.bankCode,
        branch_code: p.branchCode,
        props: p.props,
        num_props: p.numProps,
        first_seen: p.firstSeen,
        last_seen: p.lastSeen,
        version: 1,
      })),
    });
  }
  return appId;
}
