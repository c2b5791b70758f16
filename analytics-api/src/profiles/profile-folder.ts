// Folds profile_ops and person activity into ClickHouse `profiles`, one row per resolved person
// (a device attributed to a customer contributes to the customer's row; its own row is hidden by
// a tombstone). Runs in the ingestion writer right after a batch is inserted, and in the API
// after a server-side operation, so profiles are current within the time of one fold.
//
// Why concurrent workers cannot lose an update: every fold recomputes the whole profile from the
// log (profile_ops + person_activity + the MySQL mapping), and takes its version from one global
// counter (profile_fold_clock) AFTER its own rows are stored and BEFORE it reads. So a fold with a
// higher version read after every lower-versioned fold's rows were stored: it saw a superset. The
// ReplacingMergeTree keeps the highest version, readers take argMax(..., version), and whichever
// order two workers write in, the surviving row contains both workers' operations.
//
// Staleness: profile operations and attributions are folded at once, with the batch. Persons
// touched only by events (which move last_seen) are folded at once the first time, then at most
// every PRESET_REFRESH_MS: later ones wait in `due` and a timer folds them, so last_seen lags by
// at most that, and a steady stream of events from the same customers does not refold them on
// every batch (a fold costs about as much as the insert it follows).
// Never writes profile_ops or the identity mapping; a failed fold is retried with the next call
// (the rows are durable either way), and a writer that restarts refolds recent operations.
import type { ClickHouseClient, IngestBatch } from '@tally/infra/clickhouse';
import type { MetadataDb } from '@tally/infra/mysql';
import { LRUCache } from 'lru-cache';
import { buildProfile, type ProfileRow, tombstone } from './build-profile.ts';
import { describePersons, devicesOf, nextFoldVersion } from './membership.ts';
import { type Activity, readActivity, readOps, type StoredOpOf } from './profile-sources.ts';

export interface ProfileFolderDeps {
  readonly metadata: MetadataDb;
  readonly clickhouse: ClickHouseClient;
  /** Persons whose profile changed owner (the person resolver's takeRefolds). */
  readonly takeRefolds?: () => Map<string, Set<number>>;
  /** Called with a fold error that will be retried; defaults to a console warning. */
  readonly onError?: (error: unknown) => void;
}

/** Longest a person's event-derived presets (last_seen) wait for a fold. */
export const PRESET_REFRESH_MS = 10_000;

export interface ProfileFolder {
  /** Folds the profiles of every person a stored batch touched. Never throws (see header). */
  foldBatch(batch: IngestBatch): Promise<void>;
  /** Folds the profiles the given ingestion persons belong to now; throws on failure. */
  foldPersons(appId: string, personIds: Iterable<number>): Promise<void>;
  /** Refolds persons with profile operations received since `since` (after a restart). */
  refoldSince(since: Date): Promise<void>;
  /** Folds what is still due and stops the timer. */
  close(): Promise<void>;
}

export function createProfileFolder(deps: ProfileFolderDeps): ProfileFolder {
  const { clickhouse } = deps;
  const pool = deps.metadata.pool;
  // Devices whose own profile row is known hidden: skips rewriting the tombstone every batch.
  const hidden = new LRUCache<string, true>({ max: 200_000 });
  // Persons whose fold failed, folded again with the next call.
  const pending = new Map<string, Set<number>>();
  // Persons folded within PRESET_REFRESH_MS, and those waiting for the timer because of that.
  const recent = new LRUCache<string, true>({ max: 500_000, ttl: PRESET_REFRESH_MS });
  let due = new Map<string, Set<number>>();
  let timer: NodeJS.Timeout | null = null;
  const addTo = (groups: Map<string, Set<number>>, appId: string, id: number) => {
    const set = groups.get(appId) ?? new Set<number>();
    set.add(id);
    groups.set(appId, set);
  };
  const foldDue = async () => {
    timer = null;
    const now = due;
    due = new Map();
    await foldGroups(now);
  };

  async function foldPersons(appId: string, personIds: Iterable<number>): Promise<void> {
    const ids = [...new Set(personIds)].filter((id) => id > 0);
    if (ids.length === 0) return;
    // The version first: see the header for why it must come after the insert and before reads.
    const version = await nextFoldVersion(pool);
    const info = await describePersons(pool, appId, ids);
    const targets = new Set<number>();
    const rows: ProfileRow[] = [];
    for (const p of info.values()) {
      if (p.deleted) continue;
      if (p.ownerId !== null) {
        targets.add(p.ownerId);
        if (!hidden.has(`${appId}\u0000${p.personId}`)) rows.push(tombstone(appId, p.personId, version));
      } else targets.add(p.personId);
    }
    const missing = [...targets].filter((id) => !info.has(id));
    for (const [id, p] of await describePersons(pool, appId, missing)) info.set(id, p);
    const live = [...targets].filter((id) => info.get(id) && !info.get(id)!.deleted);
    const customers = live.filter((id) => info.get(id)!.kind === 'customer');
    const devices = await devicesOf(pool, appId, customers);
    const members = new Map<number, number[]>(live.map((id) => [id, [id, ...(devices.get(id) ?? [])]]));
    const all = [...members.values()].flat();
    const [ops, activity] = await Promise.all([
      readOps(clickhouse, appId, all),
      readActivity(clickhouse, appId, all),
    ]);
    const opsOf = groupBy(ops, (o) => o.personId);
    const activityOf = groupBy(activity, (a) => a.personId);
    for (const [target, memberIds] of members) {
      rows.push(
        buildProfile({
          appId,
          personId: target,
          loginId: info.get(target)!.loginId,
          version,
          ops: memberIds.flatMap((m) => opsOf.get(m) ?? ([] as StoredOpOf[])),
          activity: memberIds.flatMap((m) => activityOf.get(m) ?? ([] as Activity[])),
        }),
      );
    }
    if (rows.length > 0) await clickhouse.insert({ table: 'profiles', values: rows, format: 'JSONEachRow' });
    for (const id of ids) recent.set(`${appId}\u0000${id}`, true);
    for (const r of rows) if (r.is_deleted) hidden.set(`${appId}\u0000${r.person_id}`, true);
  }

  async function foldGroups(groups: Map<string, Set<number>>): Promise<void> {
    for (const [appId, ids] of groups) {
      try {
        await foldPersons(appId, ids);
      } catch (error) {
        const retry = pending.get(appId) ?? new Set<number>();
        for (const id of ids) retry.add(id);
        pending.set(appId, retry);
        (deps.onError ?? ((e) => console.warn('profile fold failed; will retry', e)))(error);
      }
    }
  }

  return {
    foldPersons,
    async foldBatch(batch) {
      const groups = new Map<string, Set<number>>();
      for (const [appId, ids] of pending) for (const id of ids) addTo(groups, appId, id);
      pending.clear();
      for (const r of batch.profileOps) addTo(groups, r.app_id, r.person_id);
      for (const [appId, ids] of deps.takeRefolds?.() ?? []) for (const id of ids) addTo(groups, appId, id);
      for (const r of batch.events) {
        const now = !recent.has(`${r.app_id}\u0000${r.person_id}`) || groups.get(r.app_id)?.has(r.person_id);
        addTo(now ? groups : due, r.app_id, r.person_id);
      }
      await foldGroups(groups);
      if (due.size > 0 && !timer) {
        timer = setTimeout(() => void foldDue(), PRESET_REFRESH_MS);
        timer.unref();
      }
    },
    async close() {
      if (timer) clearTimeout(timer);
      await foldDue();
    },
    async refoldSince(since) {
      const result = await clickhouse.query({
        query: `SELECT app_id, groupUniqArray(person_id) AS ids FROM profile_ops
                WHERE receive_time >= {since:DateTime64(3)} GROUP BY app_id`,
        query_params: { since: since.getTime() / 1000 },
        format: 'JSONEachRow',
      });
      const groups = new Map<string, Set<number>>();
      for (const r of await result.json<{ app_id: string; ids: number[] }>())
        groups.set(r.app_id, new Set(r.ids.map(Number)));
      await foldGroups(groups);
    },
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => number): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const item of items) {
    const list = out.get(key(item));
    if (list) list.push(item);
    else out.set(key(item), [item]);
  }
  return out;
}
