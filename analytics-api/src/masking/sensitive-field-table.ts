// Drizzle view of the per-app sensitive field list (infra/mysql/migrations/0104_sensitive_fields.sql).
// Output paths should use loadSensitiveFields (cached) rather than query this directly.
import { datetime, mysqlEnum, mysqlTable, primaryKey, varchar } from 'drizzle-orm/mysql-core';
import { SENSITIVE_KINDS } from './mask-value.ts';

export const sensitiveFields = mysqlTable(
  'sensitive_fields',
  {
    appId: varchar('app_id', { length: 64 }).notNull(),
    field: varchar('field', { length: 200 }).notNull(),
    kind: mysqlEnum('kind', SENSITIVE_KINDS).notNull(),
    createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.appId, t.field] })],
);
