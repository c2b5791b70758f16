// `pnpm import:profiles --app <appId> --file <export.csv> [--org <orgCode>]`: the CSV profile
// import for operators, run on a server with the analytics API's environment (CLICKHOUSE_*,
// MYSQL_URL). Same code and rules as POST /v1/identity/profiles/import; the scope is the whole
// tree unless --org narrows it. Writes one audit entry (actor "system", "cli:<user>") and prints
// the summary as JSON; exits 1 when a line was rejected, 2 on a usage or file error.

import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { connectClickHouse } from '@tally/infra/clickhouse';
import { connectMySql } from '@tally/infra/mysql';
import { getApp } from '../apps/app-store.ts';
import { writeAudit } from '../audit/audit-log.ts';
import { loadApiConfig } from '../config.ts';
import { createKeyring } from '../crypto/keyring.ts';
import { createPropertyProtector } from '../crypto/property-protector.ts';
import { getOrg, orgScopeForOrg } from '../orgs/org-store.ts';
import { createProfileFolder } from './profile-folder.ts';
import { importProfiles } from './profile-import.ts';

const { values } = parseArgs({
  options: { app: { type: 'string' }, file: { type: 'string' }, org: { type: 'string' } },
});
if (!values.app || !values.file) {
  console.error('usage: pnpm import:profiles --app <appId> --file <export.csv> [--org <orgCode>]');
  process.exit(2);
}
const csv = readFileSync(values.file, 'utf8');
const config = loadApiConfig();
const clickhouse = connectClickHouse(config.clickhouse);
const metadata = connectMySql({ url: config.mysqlUrl });
try {
  const app = await getApp(metadata.pool, values.app);
  if (!app) throw new Error(`no app ${values.app}`);
  // The audit entry belongs to the narrowed org, or to the app's owner.
  const org = await getOrg(metadata.pool, values.org ?? app.ownerOrgCode);
  if (values.org && !org) throw new Error(`no org ${values.org}`);
  const scope = values.org ? await orgScopeForOrg(metadata, values.org) : { bankCodes: 'all' as const };
  const folder = createProfileFolder({ metadata, clickhouse });
  const keyring = createKeyring(config.secretKeys, config.identifierKeyId);
  const sensitive = createPropertyProtector({ pool: metadata.pool, keyring });
  const summary = await importProfiles(
    { pool: metadata.pool, clickhouse, folder, sensitive, keyring },
    values.app,
    csv,
    scope,
  );
  await writeAudit(metadata.pool, {
    actor: { kind: 'system', id: 'import-cli', name: `cli:${userInfo().username}`, orgPath: org?.path ?? '' },
    ip: '',
    action: 'profile.import',
    details: {
      appId: values.app,
      orgCode: values.org ?? null,
      lines: summary.lines,
      applied: summary.applied,
      unchanged: summary.unchanged,
      rejected: summary.rejectedCount,
    },
  });
  console.log(JSON.stringify(summary, null, 2));
  process.exitCode = summary.rejectedCount > 0 ? 1 : 0;
} catch (error) {
  console.error(`import failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
} finally {
  await clickhouse.close();
  await metadata.close();
}
