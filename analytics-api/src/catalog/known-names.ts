// The names an app's queries may use: events and properties discovered from ingested data
// (catalog_stats, kept by materialized views) with each property's type. Cached briefly per
// app; a name missing from the cache triggers one reload before it is refused, so an event sent a
// second ago is usable at once. Never lists names per bank: names are app metadata, volumes are not.
import type { ClickHouseClient } from '@tally/infra/clickhouse';
import { LRUCache } from 'lru-cache';

export type PropertyType = 'string' | 'number';

export interface KnownNames {
  readonly events: ReadonlySet<string>;
  /** Event property -> type (a property seen both as text and number counts as number). */
  readonly eventProps: ReadonlyMap<string, PropertyType>;
  readonly userProps: ReadonlyMap<string, PropertyType>;
  readonly loadedAt: number;
}

const TTL_MS = 10_000;
const cache = new LRUCache<string, KnownNames>({ max: 1000 });

async function loadKnownNames(clickhouse: ClickHouseClient, appId: string): Promise<KnownNames> {
  const result = await clickhouse.query({
    query: `SELECT kind, event, name FROM catalog_stats WHERE app_id = {app:String}
            GROUP BY kind, event, name`,
    query_params: { app: appId },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ kind: string; event: string; name: string }>();
  const events = new Set<string>();
  const eventProps = new Map<string, PropertyType>();
  const userProps = new Map<string, PropertyType>();
  for (const row of rows) {
    if (row.kind === 'event') events.add(row.event);
    else if (row.kind === 'event_num_prop') eventProps.set(row.name, 'number');
    else if (row.kind === 'event_prop' && !eventProps.has(row.name)) eventProps.set(row.name, 'string');
    else if (row.kind === 'user_num_prop') userProps.set(row.name, 'number');
    else if (row.kind === 'user_prop' && !userProps.has(row.name)) userProps.set(row.name, 'string');
  }
  return { events, eventProps, userProps, loadedAt: Date.now() };
}

/** The app's known names, at most TTL_MS old; `fresh` forces a reload. */
export async function knownNames(
  clickhouse: ClickHouseClient,
  appId: string,
  fresh = false,
): Promise<KnownNames> {
  const cached = cache.get(appId);
  if (!fresh && cached && Date.now() - cached.loadedAt < TTL_MS) return cached;
  const loaded = await loadKnownNames(clickhouse, appId);
  cache.set(appId, loaded);
  return loaded;
}
