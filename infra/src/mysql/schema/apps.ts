// Drizzle view of the apps and write-key tables created by infra/mysql/migrations/0001_apps.sql.
import { char, datetime, int, mysqlTable, varchar } from 'drizzle-orm/mysql-core';

export const apps = mysqlTable('apps', {
  id: varchar('id', { length: 64 }).primaryKey(),
  name: varchar('name', { length: 200 }).notNull(),
  ownerOrgCode: varchar('owner_org_code', { length: 64 }).notNull().default(''),
  defaultBankCode: varchar('default_bank_code', { length: 64 }).notNull().default(''),
  timeZone: varchar('time_zone', { length: 64 }).notNull().default('Asia/Shanghai'),
  retentionDays: int('retention_days', { unsigned: true }).notNull().default(730),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
});

export const appWriteKeys = mysqlTable('app_write_keys', {
  keyHash: char('key_hash', { length: 64 }).primaryKey(),
  appId: varchar('app_id', { length: 64 }).notNull(),
  label: varchar('label', { length: 200 }).notNull().default(''),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
  revokedAt: datetime('revoked_at', { mode: 'date', fsp: 3 }),
});
