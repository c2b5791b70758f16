// The per-app list of sensitive fields (MySQL `sensitive_fields`), read by every output path
// before it returns rows. Reads are cached for a few seconds: masking must not add a database
// round trip per row, and a newly marked field must take effect quickly.
import { LRUCache } from 'lru-cache';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { SensitiveFields } from './mask-row.ts';
import type { SensitiveKind } from './mask-value.ts';

// One cache per database pool, so two metadata databases in one process never share entries.
const caches = new WeakMap<Pool, LRUCache<string, Map<string, SensitiveKind>>>();
function cacheOf(pool: Pool): LRUCache<string, Map<string, SensitiveKind>> {
  let cache = caches.get(pool);
  if (!cache) {
    cache = new LRUCache({ max: 1000, ttl: 5_000 });
    caches.set(pool, cache);
  }
  return cache;
}

interface FieldRow extends RowDataPacket {
  field: string;
  kind: SensitiveKind;
}

export async function loadSensitiveFields(pool: Pool, appId: string): Promise<SensitiveFields> {
  const cache = cacheOf(pool);
  const cached = cache.get(appId);
  if (cached) return cached;
  const [rows] = await pool.query<FieldRow[]>('SELECT field, kind FROM sensitive_fields WHERE app_id = ?', [
    appId,
  ]);
  const fields = new Map(rows.map((r) => [r.field, r.kind]));
  cache.set(appId, fields);
  return fields;
}

export async function markSensitive(
  pool: Pool,
  appId: string,
  field: string,
  kind: SensitiveKind,
): Promise<void> {
  await pool.query(
    'INSERT INTO sensitive_fields (app_id, field, kind) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE kind = VALUES(kind)',
    [appId, field, kind],
  );
  cacheOf(pool).delete(appId);
}

export async function unmarkSensitive(pool: Pool, appId: string, field: string): Promise<boolean> {
  const [result] = await pool.query<import('mysql2/promise').ResultSetHeader>(
    'DELETE FROM sensitive_fields WHERE app_id = ? AND field = ?',
    [appId, field],
  );
  cacheOf(pool).delete(appId);
  return result.affectedRows > 0;
}
