// Per-app retention as a ClickHouse TTL on the event tables. ClickHouse has one TTL expression
// per table, so the per-app periods (apps.retention_days) become one expression that picks each
// row's period by its app_id, grouped by period:
//   toDateTime(time) + toIntervalDay(multiIf(app_id IN ('a','b'), 30, app_id IN ('c'), 90, 730))
// DDL cannot take bound parameters, so app ids (and the cluster name) are checked against strict
// patterns and the build refuses any other value instead of escaping it. Never splices anything
// else into the DDL. On a cluster (CLICKHOUSE_CLUSTER) the TTL belongs to the replicated local
// tables on every node (`events_local ON CLUSTER tally`); the Distributed tables hold no data.
import type { Pool, RowDataPacket } from 'mysql2/promise';

/** Tables whose rows expire with their app's retention period. */
export const RETENTION_TABLES = ['events', 'profile_ops'] as const;
/** Rows of apps unknown to the metadata database keep the platform default (apps table default). */
export const DEFAULT_RETENTION_DAYS = 730;
export const APP_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const CLUSTER_NAME_PATTERN = /^[A-Za-z0-9_]{1,64}$/;

/** The table that holds a retention table's rows: itself, or its local table on a cluster. */
export function dataTable(table: (typeof RETENTION_TABLES)[number], cluster: string): string {
  return cluster ? `${table}_local` : table;
}

/** `ALTER TABLE <table>` for DDL and mutations, `ON CLUSTER` on a cluster. */
export function alterTarget(table: (typeof RETENTION_TABLES)[number], cluster: string): string {
  if (!cluster) return `ALTER TABLE ${table}`;
  if (!CLUSTER_NAME_PATTERN.test(cluster))
    throw new Error(`retention: cluster name ${JSON.stringify(cluster)} must match ${CLUSTER_NAME_PATTERN}`);
  return `ALTER TABLE ${dataTable(table, cluster)} ON CLUSTER ${cluster}`;
}

export interface AppRetention {
  readonly appId: string;
  readonly days: number;
}

interface RetentionRow extends RowDataPacket {
  id: string;
  retention_days: number;
}

export async function loadRetention(pool: Pool): Promise<AppRetention[]> {
  const [rows] = await pool.query<RetentionRow[]>('SELECT id, retention_days FROM apps ORDER BY id');
  return rows.map((r) => ({ appId: r.id, days: Number(r.retention_days) }));
}

/** App ids per retention period, shortest period first. */
export function groupByDays(apps: readonly AppRetention[]): Array<{ days: number; appIds: string[] }> {
  const groups = new Map<number, string[]>();
  for (const app of apps) {
    if (!APP_ID_PATTERN.test(app.appId))
      throw new Error(`retention: app id ${JSON.stringify(app.appId)} is not a valid app id`);
    if (!Number.isInteger(app.days) || app.days < 1 || app.days > 36_500)
      throw new Error(`retention: app ${app.appId} has retention ${app.days}; expected 1-36500 days`);
    const ids = groups.get(app.days) ?? [];
    ids.push(app.appId);
    groups.set(app.days, ids);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([days, appIds]) => ({ days, appIds }));
}

export function retentionTtlExpression(apps: readonly AppRetention[]): string {
  const groups = groupByDays(apps).filter((g) => g.days !== DEFAULT_RETENTION_DAYS);
  const days =
    groups.length === 0
      ? String(DEFAULT_RETENTION_DAYS)
      : `multiIf(${groups
          .map((g) => `app_id IN (${g.appIds.map((id) => `'${id}'`).join(', ')}), ${g.days}`)
          .join(', ')}, ${DEFAULT_RETENTION_DAYS})`;
  return `toDateTime(time) + toIntervalDay(${days})`;
}
