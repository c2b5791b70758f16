// Appends to the audit log. This module only INSERTs: there is no update or delete path in code,
// and the table's triggers refuse both (infra/mysql/migrations/0103_audit_log.sql). Details are
// stored as JSON; callers must pass parameters and counts, never unmasked personal values.
import type { Pool } from 'mysql2/promise';

export interface AuditActor {
  readonly kind: 'staff' | 'token' | 'anonymous' | 'system';
  readonly id: string;
  readonly name: string;
  /** Org path the entry belongs to (the actor's, or the named account's for a failed login). */
  readonly orgPath: string;
}

export interface AuditEntry {
  readonly actor: AuditActor;
  readonly ip: string;
  /** Dotted verb, e.g. `auth.login`, `analysis.run`, `export.csv`, `staff.create`, `data.unmask`. */
  readonly action: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly at?: Date;
}

// A runaway details object must not fail the operation it records, nor fill the table.
const MAX_DETAILS_CHARS = 16_000;

export async function writeAudit(pool: Pool, entry: AuditEntry): Promise<void> {
  let details = JSON.stringify(entry.details);
  if (details.length > MAX_DETAILS_CHARS)
    details = JSON.stringify({ truncated: true, head: details.slice(0, MAX_DETAILS_CHARS - 100) });
  await pool.query(
    'INSERT INTO audit_log (at, actor_kind, actor_id, actor_name, org_path, ip, action, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [
      entry.at ?? new Date(),
      entry.actor.kind,
      entry.actor.id.slice(0, 64),
      entry.actor.name.slice(0, 200),
      entry.actor.orgPath.slice(0, 700),
      entry.ip.slice(0, 64),
      entry.action.slice(0, 100),
      details,
    ],
  );
}
