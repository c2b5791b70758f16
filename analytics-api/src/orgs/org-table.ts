// Drizzle view of the org tree table (infra/mysql/migrations/0100_orgs.sql), for features that
// join on it. Subtree reads should go through org-store.ts, which escapes path patterns.
import { datetime, mysqlEnum, mysqlTable, varchar } from 'drizzle-orm/mysql-core';
import { ORG_TIERS } from './org-tiers.ts';

export const orgs = mysqlTable('orgs', {
  code: varchar('code', { length: 64 }).primaryKey(),
  name: varchar('name', { length: 200 }).notNull(),
  tier: mysqlEnum('tier', ORG_TIERS).notNull(),
  parentCode: varchar('parent_code', { length: 64 }),
  path: varchar('path', { length: 700 }).notNull(),
  bankCode: varchar('bank_code', { length: 64 }).notNull().default(''),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
  updatedAt: datetime('updated_at', { mode: 'date', fsp: 3 }).notNull(),
});
