// Registers one app with a fresh write key directly in the metadata database, the way the
// platform admin's app management does, for tests and the demo.
import { createHash, randomBytes } from 'node:crypto';
import type { MetadataDb } from '@tally/infra/mysql';

export async function createTestApp(
  metadata: MetadataDb,
  app: { id?: string; name?: string; defaultBankCode?: string } = {},
): Promise<{ appId: string; writeKey: string }> {
  const appId = app.id ?? 'mbank';
  const writeKey = `wk_${randomBytes(18).toString('base64url')}`;
  await metadata.pool.query(
    'INSERT INTO apps (id, name, owner_org_code, default_bank_code) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name)',
    [appId, app.name ?? '手机银行', 'U00', app.defaultBankCode ?? ''],
  );
  await metadata.pool.query('INSERT INTO app_write_keys (key_hash, app_id, label) VALUES (?, ?, ?)', [
    createHash('sha256').update(writeKey).digest('hex'),
    appId,
    'test',
  ]);
  return { appId, writeKey };
}
