// Reads and writes staff annotations (catalog_annotations in MySQL). Only bound placeholders;
// a write stores exactly the fields the caller sent and keeps the others.
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { Annotation } from './schema.ts';

export type AnnotationKind = 'event' | 'event_prop' | 'user_prop';

export interface StoredAnnotation {
  readonly displayName: string;
  readonly description: string;
  readonly hidden: boolean;
}

export async function loadAnnotations(
  pool: Pool,
  appId: string,
  kind: AnnotationKind,
): Promise<Map<string, StoredAnnotation>> {
  const [rows] = await pool.query<RowDataPacket[]>(
    'SELECT name, display_name, description, hidden FROM catalog_annotations WHERE app_id = ? AND kind = ?',
    [appId, kind],
  );
  return new Map(
    rows.map((r) => [
      String(r.name),
      { displayName: String(r.display_name), description: String(r.description), hidden: Boolean(r.hidden) },
    ]),
  );
}

export async function saveAnnotation(
  pool: Pool,
  kind: AnnotationKind,
  name: string,
  change: Annotation,
  by: string,
): Promise<void> {
  await pool.query(
    `INSERT INTO catalog_annotations (app_id, kind, name, display_name, description, hidden, updated_by)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON DUPLICATE KEY UPDATE
       display_name = IF(?, VALUES(display_name), display_name),
       description = IF(?, VALUES(description), description),
       hidden = IF(?, VALUES(hidden), hidden),
       updated_by = VALUES(updated_by)`,
    [
      change.appId,
      kind,
      name,
      change.displayName ?? '',
      change.description ?? '',
      change.hidden ? 1 : 0,
      by,
      change.displayName !== undefined,
      change.description !== undefined,
      change.hidden !== undefined,
    ],
  );
}
