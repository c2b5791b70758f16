// Whether analyses resolve persons through the overrides dictionary (person_overrides_in_force,
// ClickHouse migration 0006) or by joining person_overrides, and the keeper that reloads the
// dictionary when override rows newer than its load exist. Answers never depend on how recent
// the load is (queries recompute the newer rows' overrides, RECENT_OVERRIDES); a recent load only
// keeps that recomputed set small. Never writes person_overrides.
import type { ClickHouseClient } from '@tally/infra/clickhouse';
import {
  OVERRIDES_DICTIONARY,
  OVERRIDES_DICTIONARY_LOADED,
  OVERRIDES_DICTIONARY_STATE,
} from './resolved-person-sql.ts';

/** How an analysis resolves events to persons; both give the same persons. */
export type PersonResolution = 'dictionary' | 'join';

const CHECK_TTL_MS = 2_000;
const checked = new WeakMap<
  ClickHouseClient,
  Map<string, { at: number; resolution: Promise<PersonResolution> }>
>();

async function readResolution(clickhouse: ClickHouseClient, appId: string): Promise<PersonResolution> {
  try {
    // Loads the dictionary if this server has not yet (the first query after a restart waits).
    const rows = await clickhouse.query({
      query: OVERRIDES_DICTIONARY_STATE,
      query_params: { app: appId },
      format: 'JSONEachRow',
    });
    const usable = Number((await rows.json<{ usable: number | string }>())[0]?.usable ?? 0);
    return usable === 1 ? 'dictionary' : 'join';
  } catch {
    // No dictionary (a cluster whose DDL predates it) or it failed to load: the join always works.
    return 'join';
  }
}

/**
 * 'dictionary' when the dictionary exists, its load is usable and no other app holds this app's
 * tag; checked at most every 2 s per app.
 */
export function personResolution(clickhouse: ClickHouseClient, appId: string): Promise<PersonResolution> {
  const now = Date.now();
  let apps = checked.get(clickhouse);
  if (apps === undefined) {
    apps = new Map();
    checked.set(clickhouse, apps);
  }
  const known = apps.get(appId);
  if (known && now - known.at < CHECK_TTL_MS) return known.resolution;
  const resolution = readResolution(clickhouse, appId);
  apps.set(appId, { at: now, resolution });
  return resolution;
}

/** Reloads the dictionary when override rows newer than its load exist; true when it did. */
export async function refreshOverridesDictionary(clickhouse: ClickHouseClient): Promise<boolean> {
  const rows = await clickhouse.query({
    query: `SELECT count() AS newer FROM person_overrides WHERE _block_number >= ${OVERRIDES_DICTIONARY_LOADED}`,
    format: 'JSONEachRow',
  });
  const newer = Number((await rows.json<{ newer: string | number }>())[0]?.newer ?? 0);
  if (newer === 0) return false;
  await clickhouse.command({ query: `SYSTEM RELOAD DICTIONARY ${OVERRIDES_DICTIONARY}` });
  checked.delete(clickhouse);
  return true;
}

export interface KeeperLog {
  warn(details: object, message: string): void;
}

/**
 * Checks every `intervalMs` and reloads when needed, one check at a time; a failure is logged
 * and retried at the next tick (queries stay correct meanwhile). Returns a stop function.
 */
export function keepOverridesDictionaryFresh(
  clickhouse: ClickHouseClient,
  log: KeeperLog,
  intervalMs: number,
): () => void {
  let running = false;
  // A reload re-reads every override; on a large table, check less often than every tick so
  // the keeper never spends more than a tenth of the time reloading.
  let nextAt = 0;
  const tick = async () => {
    if (!(await dictionaryExists(clickhouse))) return;
    const started = Date.now();
    if (await refreshOverridesDictionary(clickhouse)) nextAt = Date.now() + 10 * (Date.now() - started);
  };
  const timer = setInterval(() => {
    if (running || Date.now() < nextAt) return;
    running = true;
    tick()
      .catch((err: unknown) => log.warn({ err }, 'overrides dictionary reload failed'))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

async function dictionaryExists(clickhouse: ClickHouseClient): Promise<boolean> {
  const rows = await clickhouse.query({
    query:
      'SELECT count() AS n FROM system.dictionaries WHERE database = currentDatabase() AND name = {name:String}',
    query_params: { name: OVERRIDES_DICTIONARY },
    format: 'JSONEachRow',
  });
  return Number((await rows.json<{ n: string | number }>())[0]?.n ?? 0) > 0;
}
