// Fills the tables that materialized views keep from `events` (the exactly-once uuid index, the
// person activity aggregate, the catalog, and any view a later migration adds) for rows that were
// attached in bulk, which fires no view. Each view's own SELECT, as the engine stores it, runs
// over the whole table, restricted to one app, and its output is inserted by column name into the
// view's target: the tables end up holding what the per-insert views would have written (the
// aggregating targets merge to the same values). Large sources are read in slices of a column's
// hash (through `additional_table_filters`, so the views' SQL is run as stored): each slice's
// partial rows are what a per-insert view writes for one block, and a slice's groups fit in
// memory (10^8 events, ~10 M persons: one pass spilled to disk and took 921 s on the loaded
// machine; 7 slices took 88 s, 132 s of engine CPU, with the same result).
// Never changes a view or its target's schema.
import type { ClickHouseClient } from '@tally/infra/clickhouse';
import { withHeartbeat } from './heartbeat.ts';

interface ViewDefinition {
  readonly name: string;
  readonly asSelect: string;
  readonly target: string;
}

async function rows<T>(clickhouse: ClickHouseClient, query: string, params: Record<string, unknown> = {}) {
  return (await clickhouse.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>();
}

/** Materialized views fed by `source` (a table of the current database), with their targets. */
async function viewsOf(clickhouse: ClickHouseClient, source: string): Promise<ViewDefinition[]> {
  const [table] = await rows<{ views: string[] }>(
    clickhouse,
    `SELECT dependencies_table AS views FROM system.tables
      WHERE database = currentDatabase() AND name = {source:String}`,
    { source },
  );
  if (!table) throw new Error(`view backfill: table ${source} does not exist in the current database`);
  return rows<ViewDefinition>(
    clickhouse,
    `SELECT name, as_select AS asSelect, extract(create_table_query, ' TO (\\\\S+)') AS target
      FROM system.tables
      WHERE database = currentDatabase() AND engine = 'MaterializedView' AND name IN {views:Array(String)}
      ORDER BY name`,
    { views: table.views },
  );
}

const quoted = (identifier: string) => `\`${identifier.replaceAll('`', '``')}\``;
const quotedString = (text: string) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/** Reads of the source in `count` parts by the hash of `column` (a column of the source). */
export interface SourceSlices {
  readonly column: string;
  readonly count: number;
}

/** Runs every view of `source` over the rows of `appId` in it; reports each view's time. */
export async function backfillViews(
  clickhouse: ClickHouseClient,
  source: string,
  appId: string,
  slices: SourceSlices,
  say: (line: string) => void,
): Promise<void> {
  const [{ db } = { db: '' }] = await rows<{ db: string }>(clickhouse, 'SELECT currentDatabase() AS db');
  for (const view of await viewsOf(clickhouse, source)) {
    if (!view.target) throw new Error(`view backfill: view ${view.name} has no TO table; give it one`);
    const columns = await rows<{ name: string }>(clickhouse, `DESCRIBE (${view.asSelect})`);
    if (!columns.some((c) => c.name === 'app_id'))
      throw new Error(
        `view backfill: view ${view.name} does not output app_id, so it cannot be limited to one app`,
      );
    const list = columns.map((c) => quoted(c.name)).join(', ');
    const started = Date.now();
    for (let slice = 0; slice < slices.count; slice++) {
      // The filter text is built from this module's caller's constants (a column name, numbers).
      const filter = `cityHash64(${quoted(slices.column)}) % ${slices.count} = ${slice}`;
      await withHeartbeat(
        `data: backfill ${view.name} (${slice + 1}/${slices.count})`,
        clickhouse.command({
          query: `INSERT INTO ${view.target} (${list}) SELECT ${list} FROM (${view.asSelect}) WHERE app_id = {app:String}
            SETTINGS additional_table_filters = {${quotedString(`${db}.${source}`)}: ${quotedString(filter)}}`,
          query_params: { app: appId },
          // Spill a slice's groups to disk rather than fail if the machine is short of memory.
          clickhouse_settings: { max_bytes_before_external_group_by: String(4 * 1024 ** 3) },
        }),
        say,
      );
    }
    say(`data: backfilled ${view.name} -> ${view.target} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}
