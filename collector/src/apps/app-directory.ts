// Finds the app a write key belongs to. Keys are stored as SHA-256 hashes (infra migration 0001),
// so the lookup hashes the presented key. Answers are cached for a short time, misses too, so a
// client hammering with a wrong key costs one query per minute, not one per request; a revoked
// key stops working within that minute.
import { createHash } from 'node:crypto';
import { apps, appWriteKeys, type MetadataDb } from '@tally/infra/mysql';
import { and, eq, isNull } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';

export interface AppInfo {
  readonly appId: string;
  readonly defaultBankCode: string;
  readonly timeZone: string;
}

export interface AppDirectory {
  byWriteKey(key: string): Promise<AppInfo | null>;
}

export function hashWriteKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function createMySqlAppDirectory(metadata: MetadataDb, ttlMs = 60_000): AppDirectory {
  const cache = new LRUCache<string, AppInfo | 'none'>({ max: 10_000, ttl: ttlMs });
  return {
    async byWriteKey(key) {
      if (key.length === 0 || key.length > 200) return null;
      const hash = hashWriteKey(key);
      const cached = cache.get(hash);
      if (cached !== undefined) return cached === 'none' ? null : cached;
      const rows = await metadata.db
        .select({ appId: apps.id, defaultBankCode: apps.defaultBankCode, timeZone: apps.timeZone })
        .from(appWriteKeys)
        .innerJoin(apps, eq(apps.id, appWriteKeys.appId))
        .where(and(eq(appWriteKeys.keyHash, hash), isNull(appWriteKeys.revokedAt)))
        .limit(1);
      const found = rows[0] ?? null;
      cache.set(hash, found ?? 'none');
      return found;
    },
  };
}
