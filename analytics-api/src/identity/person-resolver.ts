// ID-Mapping at ingestion: fills person_id on every event and profile row of a batch and records
// logins and identity binds. Rules (see README.md in this folder):
//   * a row with a login id belongs to that customer's person;
//   * a row without one belongs to its device's anonymous person, which analyses attribute (via
//     person_overrides) to the first customer, by event time, who logged in on that device;
//   * two customers are never merged.
// Caches: person ids never change once created, so they are cached (LRU, TTL 10 min); a
// data-subject deletion evicts its persons at the next batch (person_deletions). A device's first
// login can only move earlier; the cached one is used only to skip writes for later logins.
import type { ClickHouseClient, IngestBatch, PersonResolver } from '@tally/infra/clickhouse';
import type { MetadataDb } from '@tally/infra/mysql';
import { LRUCache } from 'lru-cache';
import type { RowDataPacket } from 'mysql2/promise';
import { type Attribution, writeOverrides } from './overrides.ts';
import { createPersonStore, type FirstLogin, type PersonKind } from './person-store.ts';

export interface PersonResolverDeps {
  readonly metadata: MetadataDb;
  readonly clickhouse: ClickHouseClient;
  readonly cacheSize?: number;
}

export interface ClosablePersonResolver extends PersonResolver {
  close(): Promise<void>;
  /** Cache statistics, for the identity benchmark. */
  stats(): { hits: number; misses: number };
  /** Persons whose profile changed owner since the last call, per app (for the profile folder). */
  takeRefolds(): Map<string, Set<number>>;
}

export function createPersonResolver(deps: PersonResolverDeps): ClosablePersonResolver {
  const store = createPersonStore(deps.metadata.pool);
  const max = deps.cacheSize ?? 500_000;
  const persons = new LRUCache<string, number>({ max, ttl: 10 * 60_000 });
  const firstLogins = new LRUCache<string, FirstLogin>({ max, ttl: 10 * 60_000 });
  let hits = 0;
  let misses = 0;
  // Persons whose profile changed owner since the profile folder last asked: devices attributed
  // to a customer (their row moves into the customer's) and customers who lost a device to a
  // late, earlier login.
  let refolds = new Map<string, Set<number>>();
  const refold = (appId: string, personId: number) => {
    const set = refolds.get(appId) ?? new Set<number>();
    set.add(personId);
    refolds.set(appId, set);
  };

  async function personIds(
    appId: string,
    kind: PersonKind,
    externalIds: Iterable<string>,
  ): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const missing: string[] = [];
    for (const id of new Set(externalIds)) {
      const cached = persons.get(`${appId}\u0000${kind}\u0000${id}`);
      if (cached !== undefined) {
        hits++;
        out.set(id, cached);
      } else {
        misses++;
        missing.push(id);
      }
    }
    for (let i = 0; i < missing.length; i += 1000) {
      const found = await store.ensurePersons(appId, kind, missing.slice(i, i + 1000));
      for (const [id, personId] of found) {
        persons.set(`${appId}\u0000${kind}\u0000${id}`, personId);
        out.set(id, personId);
      }
    }
    return out;
  }

  async function resolveApp(appId: string, batch: IngestBatch): Promise<void> {
    const rows = [...batch.events, ...batch.profileOps].filter((r) => r.app_id === appId);
    const identityOps = batch.identityOps.filter((r) => r.app_id === appId);
    const all = [...rows, ...identityOps];
    const customers = await personIds(
      appId,
      'customer',
      all.filter((r) => r.login_id).map((r) => r.login_id),
    );
    // Every device seen gets its anonymous person, even when it is logged in now: its earlier or
    // later anonymous rows need it, and so does the attribution below.
    const devices = await personIds(
      appId,
      'device',
      all.map((r) => r.distinct_id),
    );

    // Earliest login per device in this batch, skipped when a login at least as early is known.
    const earliest = new Map<string, { distinctId: string; customerPersonId: number; loginTime: number }>();
    for (const r of all) {
      if (!r.login_id) continue;
      const known = firstLogins.get(`${appId}\u0000${r.distinct_id}`);
      if (known && known.loginTime <= r.time) continue;
      const current = earliest.get(r.distinct_id);
      if (!current || r.time < current.loginTime) {
        earliest.set(r.distinct_id, {
          distinctId: r.distinct_id,
          customerPersonId: customers.get(r.login_id)!,
          loginTime: r.time,
        });
      }
    }
    if (earliest.size > 0) {
      const { inForce, previous } = await store.recordLogins(appId, [...earliest.values()]);
      const attributions: Attribution[] = [];
      for (const [distinctId, first] of inForce) {
        const before = previous.get(distinctId);
        if (before !== undefined && before !== first.customerPersonId) refold(appId, before);
        // A device whose owner is new or changed moves its profile into the owner's. (A restarted
        // worker re-reads unchanged owners; their overrides are rewritten below, which heals an
        // override lost to a crash between the MySQL write and this insert, but not refolded.)
        if (before !== first.customerPersonId) refold(appId, devices.get(distinctId)!);
        firstLogins.set(`${appId}\u0000${distinctId}`, first);
        attributions.push({
          appId,
          devicePersonId: devices.get(distinctId)!,
          customerPersonId: first.customerPersonId,
          loginTime: first.loginTime,
        });
      }
      // Written before the batch's events: an analysis never sees a logged-in device's anonymous
      // rows without their attribution for longer than this insert takes.
      await writeOverrides(deps.clickhouse, attributions);
    }

    for (const r of rows) r.person_id = r.login_id ? customers.get(r.login_id)! : devices.get(r.distinct_id)!;
    for (const op of identityOps) {
      const personId = op.login_id ? customers.get(op.login_id)! : devices.get(op.distinct_id)!;
      if (op.op === 'bind') await store.bindIdentities(appId, personId, op.identities);
      else await store.unbindIdentities(appId, personId, op.identities);
    }
  }

  // Data-subject deletions (person_deletions): checked once per batch, one indexed MAX() query;
  // when new ones appear, their persons leave the cache so a returning login id gets a new person.
  let deletionsSeen = -1;
  async function forgetDeletedPersons(): Promise<void> {
    const [rows] = await deps.metadata.pool.query<RowDataPacket[]>(
      'SELECT COALESCE(MAX(seq), 0) AS seq FROM person_deletions',
    );
    const latest = Number(rows[0]?.seq ?? 0);
    if (deletionsSeen >= 0 && latest > deletionsSeen) {
      const [deleted] = await deps.metadata.pool.query<RowDataPacket[]>(
        'SELECT person_id FROM person_deletions WHERE seq > ?',
        [deletionsSeen],
      );
      const ids = new Set(deleted.map((r) => Number(r.person_id)));
      for (const [key, id] of persons.entries()) if (ids.has(id)) persons.delete(key);
      for (const [key, first] of firstLogins.entries())
        if (ids.has(first.customerPersonId)) firstLogins.delete(key);
    }
    deletionsSeen = latest;
  }

  return {
    async resolveBatch(batch) {
      await forgetDeletedPersons();
      const apps = new Set<string>();
      for (const r of batch.events) apps.add(r.app_id);
      for (const r of batch.profileOps) apps.add(r.app_id);
      for (const r of batch.identityOps) apps.add(r.app_id);
      for (const appId of apps) await resolveApp(appId, batch);
    },
    stats: () => ({ hits, misses }),
    takeRefolds() {
      const out = refolds;
      refolds = new Map();
      return out;
    },
    async close() {
      persons.clear();
      firstLogins.clear();
    },
  };
}
