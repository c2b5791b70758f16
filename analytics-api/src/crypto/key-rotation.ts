// The key rotation batch job: brings every stored value of every field marked sensitive onto the
// active key (the first of TALLY_SECRET_KEYS) and identifier hashes onto TALLY_IDENTIFIER_KEY_ID. Values under an older key are decrypted and
// re-encrypted; values stored in clear (written before their field was marked, or numbers in
// `num_props`) are protected. Works in batches: select rows that still need it, compute the new
// values here (the keys never leave this process; ClickHouse only sees old and new ciphertexts),
// rewrite exactly those values with one synchronous mutation per batch, repeat until none is
// left. Because "needs it" is read from the data itself, the job is idempotent and resumable:
// stopping it at any point and running it again continues where it stopped. Never deletes or
// adds rows (row counts stay the same), and stops at the first value it cannot decrypt (a
// removed key or a tampered value) rather than skipping it silently.
import type { ClickHouseClient } from '@tally/infra/clickhouse';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { SensitiveKind } from '../masking/mask-value.ts';
import type { Keyring } from './keyring.ts';
import { protectValue, reprotectValue } from './sensitive-value.ts';

/** ClickHouse tables holding property maps (events, their profile log, the folded profiles). */
export const ROTATED_TABLES = ['events', 'profile_ops', 'profiles'] as const;
export type RotatedTable = (typeof ROTATED_TABLES)[number];

/**
 * Old -> new values per mutation are two bound Array(String) parameters. ClickHouse parses each
 * as a literal under max_query_size (256 KiB by default), and both travel in the request URL
 * (1 MiB), so a batch stops when either array's literal nears 230 KB.
 */
const BATCH_LITERAL_BYTES = 230_000;
const CLUSTER_NAME = /^[A-Za-z0-9_]{1,64}$/;

/**
 * The table a mutation rewrites: itself on one node; on a cluster the sharded tables' local
 * tables ON CLUSTER (their Distributed tables hold no data), and the fully replicated profiles
 * table ON CLUSTER. Reads always go through the table itself.
 */
export function rotationUpdateTarget(table: RotatedTable, cluster = ''): string {
  if (!cluster) return table;
  if (!CLUSTER_NAME.test(cluster))
    throw new Error(`key rotation: cluster name ${JSON.stringify(cluster)} must match ${CLUSTER_NAME}`);
  return `${table === 'profiles' ? table : `${table}_local`} ON CLUSTER ${cluster}`;
}
const DEFAULT_BATCH_ROWS = 5_000;
const SEP = '\u0000';

export interface RotationProgress {
  readonly appId: string;
  readonly table: RotatedTable;
  /** Rows that needed work when the table was started. */
  readonly rowsToDo: number;
  /** Values rewritten so far in this table. */
  readonly valuesDone: number;
  readonly finished: boolean;
}

export interface RotationResult {
  readonly appId: string;
  readonly table: RotatedTable;
  readonly rowsBefore: number;
  readonly valuesRewritten: number;
}

interface FieldRow extends RowDataPacket {
  app_id: string;
  field: string;
  kind: SensitiveKind;
}

/** Every app's sensitive fields (not cached: the job must see the list as it is now). */
export async function sensitiveFieldsByApp(pool: Pool): Promise<Map<string, Map<string, SensitiveKind>>> {
  const [rows] = await pool.query<FieldRow[]>(
    'SELECT app_id, field, kind FROM sensitive_fields ORDER BY app_id, field',
  );
  const byApp = new Map<string, Map<string, SensitiveKind>>();
  for (const r of rows) {
    const fields = byApp.get(r.app_id) ?? new Map<string, SensitiveKind>();
    fields.set(r.field, r.kind);
    byApp.set(r.app_id, fields);
  }
  return byApp;
}

/** Rows of the app with a marked field that is in clear, numeric, or under another key. */
const NEEDS_WORK = `app_id = {app:String} AND (
  arrayExists(k -> mapContains(props, k) AND props[k] != '' AND NOT match(props[k], {current:String}), {fields:Array(String)})
  OR arrayExists(k -> mapContains(num_props, k), {fields:Array(String)}))`;

/**
 * The stored forms under the active key and identifier key (sensitive-value.ts), as a regular
 * expression. Key ids match [A-Za-z0-9_-] (config.ts), so they need no escaping.
 */
function currentFormPattern(keyring: Keyring): string {
  return `^(hid:v1:${keyring.identifierKeyId}:[0-9a-f]{64}:)?enc:v1:${keyring.activeKeyId}:`;
}

export async function countRowsToRotate(
  clickhouse: ClickHouseClient,
  keyring: Keyring,
  table: RotatedTable,
  appId: string,
  fields: readonly string[],
): Promise<number> {
  const result = await clickhouse.query({
    query: `SELECT count() AS n FROM ${table} WHERE ${NEEDS_WORK}`,
    query_params: { app: appId, fields, current: currentFormPattern(keyring) },
    format: 'JSONEachRow',
  });
  return Number((await result.json<{ n: number | string }>())[0]?.n ?? 0);
}

/** One batch: rewrites up to `batchRows` rows' values; returns the number of values rewritten. */
async function rotateBatch(
  clickhouse: ClickHouseClient,
  keyring: Keyring,
  table: RotatedTable,
  appId: string,
  fields: ReadonlyMap<string, SensitiveKind>,
  batch: { readonly rows: number; readonly cluster: string },
): Promise<number> {
  const { cluster } = batch;
  const names = [...fields.keys()];
  const current = currentFormPattern(keyring);
  const params = { app: appId, fields: names, current, limit: batch.rows };
  const selected = await clickhouse.query({
    query: `SELECT
        mapFilter((k, v) -> has({fields:Array(String)}, k) AND v != '' AND NOT match(v, {current:String}), props) AS text,
        mapApply((k, v) -> (k, toString(v)), mapFilter((k, v) -> has({fields:Array(String)}, k), num_props)) AS number
      FROM ${table} WHERE ${NEEDS_WORK} LIMIT {limit:UInt32}`,
    query_params: params,
    format: 'JSONEachRow',
  });
  const rows = await selected.json<{ text: Record<string, string>; number: Record<string, string> }>();
  const rewrite = new Map<string, string>();
  let fromBytes = 0;
  let toBytes = 0;
  // A row cut off half-way keeps its other values for the next batch (it still needs work).
  fill: for (const row of rows) {
    for (const [field, value] of [...Object.entries(row.text), ...Object.entries(row.number)]) {
      if (Math.max(fromBytes, toBytes) > BATCH_LITERAL_BYTES - 2 * Buffer.byteLength(value) - 300) break fill;
      const key = `${field}${SEP}${value}`;
      if (rewrite.has(key)) continue;
      const slot = { appId, field, kind: fields.get(field)! };
      // Numbers come from num_props and are always plaintext; text may be either.
      const next =
        field in row.number ? protectValue(keyring, slot, value) : reprotectValue(keyring, slot, value);
      rewrite.set(key, next);
      // Quotes, comma and escapes (the NUL separator is written as \0) around each element.
      fromBytes += Buffer.byteLength(key) + 5;
      toBytes += Buffer.byteLength(next) + 5;
    }
  }
  if (rewrite.size === 0) return 0;
  const from = [...rewrite.keys()];
  const to = [...rewrite.values()];
  const keyed = "arrayMap((k, v) -> concat(k, '\\0', v)";
  await clickhouse.command({
    query: `ALTER TABLE ${rotationUpdateTarget(table, cluster)} UPDATE
        props = mapUpdate(
          mapApply((k, v) -> (k, transform(concat(k, '\\0', v), {from:Array(String)}, {to:Array(String)}, v)), props),
          mapApply((k, v) -> (k, transform(concat(k, '\\0', toString(v)), {from:Array(String)}, {to:Array(String)}, toString(v))),
                   mapFilter((k, v) -> has({fields:Array(String)}, k), num_props))),
        num_props = mapFilter((k, v) -> NOT has({fields:Array(String)}, k), num_props)
      WHERE app_id = {app:String}
        AND (hasAny(${keyed}, mapKeys(props), mapValues(props)), {from:Array(String)})
          OR hasAny(${keyed}, mapKeys(num_props), arrayMap(x -> toString(x), mapValues(num_props))), {from:Array(String)}))`,
    query_params: { app: appId, fields: names, from, to },
    // Wait for the rewrite, so the next batch's selection already sees it.
    clickhouse_settings: { mutations_sync: '2' },
  });
  return rewrite.size;
}

/**
 * Runs the job over every app with sensitive fields and every table; `onProgress` is called at
 * the start of each table and after each batch.
 */
export async function rotateSensitiveValues(
  deps: { clickhouse: ClickHouseClient; pool: Pool; keyring: Keyring },
  onProgress: (progress: RotationProgress) => void = () => undefined,
  options: { batchRows?: number; cluster?: string } = {},
): Promise<RotationResult[]> {
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  const results: RotationResult[] = [];
  for (const [appId, fields] of await sensitiveFieldsByApp(deps.pool)) {
    for (const table of ROTATED_TABLES) {
      const names = [...fields.keys()];
      const rowsToDo = await countRowsToRotate(deps.clickhouse, deps.keyring, table, appId, names);
      let valuesDone = 0;
      onProgress({ appId, table, rowsToDo, valuesDone, finished: rowsToDo === 0 });
      if (rowsToDo > 0) {
        let left = rowsToDo;
        for (;;) {
          const done = await rotateBatch(deps.clickhouse, deps.keyring, table, appId, fields, {
            rows: batchRows,
            cluster: options.cluster ?? '',
          });
          if (done === 0) break;
          valuesDone += done;
          onProgress({ appId, table, rowsToDo, valuesDone, finished: false });
          const now = await countRowsToRotate(deps.clickhouse, deps.keyring, table, appId, names);
          // A batch that rewrote values but left as many rows to do would loop for ever.
          if (now >= left)
            throw new Error(`key rotation made no progress on ${table} of app ${appId} (${now} rows left)`);
          left = now;
        }
        onProgress({ appId, table, rowsToDo, valuesDone, finished: true });
      }
      results.push({ appId, table, rowsBefore: rowsToDo, valuesRewritten: valuesDone });
    }
  }
  return results;
}
