// Searches the audit log within one org subtree: time range, actor name, action (exact or a
// `prefix.*`), newest first, paged by id. Entries with no org (a failed login naming an unknown
// user) are visible only from the union node, which is the root of every path.
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { subtreePattern } from '../orgs/org-store.ts';

export interface AuditQuery {
  /** Materialised path of the subtree searched. */
  readonly orgPath: string;
  readonly includeUnattributed: boolean;
  readonly from?: Date;
  readonly to?: Date;
  readonly actor?: string;
  readonly action?: string;
  readonly beforeId?: string;
  readonly limit: number;
}

export interface AuditRecord {
  readonly id: string;
  readonly at: string;
  readonly actorKind: string;
  readonly actorId: string;
  readonly actorName: string;
  readonly orgPath: string;
  readonly ip: string;
  readonly action: string;
  readonly details: unknown;
}

interface AuditRow extends RowDataPacket {
  id: number | string;
  at: Date;
  actor_kind: string;
  actor_id: string;
  actor_name: string;
  org_path: string;
  ip: string;
  action: string;
  details: string;
}

export async function searchAudit(pool: Pool, q: AuditQuery): Promise<AuditRecord[]> {
  const where = [q.includeUnattributed ? "(org_path LIKE ? OR org_path = '')" : 'org_path LIKE ?'];
  const params: unknown[] = [subtreePattern(q.orgPath)];
  if (q.from) {
    where.push('at >= ?');
    params.push(q.from);
  }
  if (q.to) {
    where.push('at < ?');
    params.push(q.to);
  }
  if (q.actor) {
    where.push('actor_name = ?');
    params.push(q.actor);
  }
  if (q.action?.endsWith('.*')) {
    where.push('action LIKE ?');
    params.push(`${q.action.slice(0, -1).replace(/[\\%_]/g, '\\$&')}%`);
  } else if (q.action) {
    where.push('action = ?');
    params.push(q.action);
  }
  if (q.beforeId) {
    where.push('id < ?');
    params.push(q.beforeId);
  }
  const [rows] = await pool.query<AuditRow[]>(
    `SELECT id, at, actor_kind, actor_id, actor_name, org_path, ip, action, details FROM audit_log
      WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`,
    [...params, q.limit],
  );
  return rows.map((r) => ({
    id: String(r.id),
    at: r.at.toISOString(),
    actorKind: r.actor_kind,
    actorId: r.actor_id,
    actorName: r.actor_name,
    orgPath: r.org_path,
    ip: r.ip,
    action: r.action,
    details: JSON.parse(r.details) as unknown,
  }));
}
