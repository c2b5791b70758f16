// The ingestion writer: turns accepted batches into ClickHouse rows exactly once. Both transports
// end here (the in-process group commit in embedded mode, the Kafka worker in cluster mode), so
// the guarantees live in one place:
//   1. persons are resolved through ID-Mapping before anything is written;
//   2. uuids already stored are dropped (client retries, Kafka redeliveries);
//   3. properties marked sensitive are replaced by their encrypted / keyed-hash form, so no
//      marked value reaches ClickHouse (or the profiles folded from it) in clear;
//   4. rows are inserted; only then does write() resolve;
//   5. the profiles of the persons touched are folded (optional `profiles`): after the insert,
//      because the fold reads the stored log; a fold failure never fails the write (the rows are
//      durable and the folder retries with the next batch).
// Writes are serialised per writer: the check in (2) and the insert in (4) must not interleave
// with another write of the same uuids. Never swallows an insert error: callers decide to retry.
import type { ProfileFolder } from '@tally/analytics-api/identity';
import type { ClickHouseClient, IngestBatch, PersonResolver } from '@tally/infra/clickhouse';
import { findStoredUuids, repairUuidIndex } from './dedup.ts';
import type { BatchProtector } from './sensitive-properties/protect-batch.ts';

export interface WriteOutcome {
  readonly inserted: number;
  readonly duplicates: number;
}

export interface IngestionWriter {
  write(batch: IngestBatch): Promise<WriteOutcome>;
}

export function createIngestionWriter(deps: {
  clickhouse: ClickHouseClient;
  persons: PersonResolver;
  /** Encrypts the app's sensitive properties; required so no transport can skip it. */
  sensitive: BatchProtector;
  profiles?: ProfileFolder;
}): IngestionWriter {
  const { clickhouse, persons, profiles, sensitive } = deps;
  let tail: Promise<unknown> = Promise.resolve();
  // Set when an insert failed in a way that may have half-applied (engine crash); the next write
  // repairs the uuid index from that point before trusting it again.
  let uncertainSince: Date | null = new Date(Date.now() - 10 * 60_000);

  async function writeNow(batch: IngestBatch): Promise<WriteOutcome> {
    if (uncertainSince) {
      await repairUuidIndex(clickhouse, uncertainSince);
      // Operations stored just before a crash may never have been folded.
      await profiles?.refoldSince(uncertainSince);
      uncertainSince = null;
    }
    const fresh = await sensitive.protect(await dropStored(clickhouse, batch));
    const duplicates =
      batch.events.length + batch.profileOps.length - fresh.events.length - fresh.profileOps.length;
    await persons.resolveBatch(fresh);
    const started = new Date(Date.now() - 60_000);
    try {
      if (fresh.events.length > 0) {
        await clickhouse.insert({ table: 'events', values: fresh.events, format: 'JSONEachRow' });
      }
      if (fresh.profileOps.length > 0) {
        await clickhouse.insert({ table: 'profile_ops', values: fresh.profileOps, format: 'JSONEachRow' });
      }
    } catch (error) {
      uncertainSince = started;
      throw error;
    }
    await profiles?.foldBatch(fresh);
    return { inserted: fresh.events.length + fresh.profileOps.length, duplicates };
  }

  return {
    write(batch) {
      const run = tail.then(() => writeNow(batch));
      tail = run.catch(() => undefined);
      return run;
    },
  };
}

async function dropStored(clickhouse: ClickHouseClient, batch: IngestBatch): Promise<IngestBatch> {
  const seen = new Set<string>();
  const uuids: string[] = [];
  for (const row of batch.events) uuids.push(row.uuid);
  for (const row of batch.profileOps) uuids.push(row.uuid);
  const stored = uuids.length > 0 ? await findStoredUuids(clickhouse, uuids) : new Set<string>();
  // A uuid repeated inside one batch (an SDK that re-queued an event before its first send
  // returned) is kept once too.
  const keep = <T extends { uuid: string }>(row: T) => {
    const key = row.uuid.toLowerCase();
    if (stored.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  return {
    events: batch.events.filter(keep),
    profileOps: batch.profileOps.filter(keep),
    identityOps: batch.identityOps,
  };
}
