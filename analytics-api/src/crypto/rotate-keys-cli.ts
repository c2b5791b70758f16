// `pnpm rotate:keys`: the key rotation batch job for operators, run with the analytics API's
// environment (CLICKHOUSE_*, MYSQL_URL, TALLY_SECRET_KEYS with the new key first and the old
// keys still listed). Prints progress per app and table, writes one audit entry (actor "system",
// "cli:<user>") with the counts, and exits 0 when every sensitive value is on the active key,
// 1 when a value could not be decrypted (its key is missing from TALLY_SECRET_KEYS, or it was
// tampered with) or an identity could not be moved because its new key is bound already. Then the
// MySQL part: ID-Mapping identities of marked types (identity-rotation.ts). Safe to interrupt and
// run again. Never prints keys or values.
import { userInfo } from 'node:os';
import { connectClickHouse } from '@tally/infra/clickhouse';
import { connectMySql } from '@tally/infra/mysql';
import { writeAudit } from '../audit/audit-log.ts';
import { loadApiConfig } from '../config.ts';
import { rotateSensitiveIdentities } from './identity-rotation.ts';
import { rotateSensitiveValues, sensitiveFieldsByApp } from './key-rotation.ts';
import { createKeyring } from './keyring.ts';

const config = loadApiConfig();
const keyring = createKeyring(config.secretKeys, config.identifierKeyId);
const clickhouse = connectClickHouse(config.clickhouse);
const metadata = connectMySql({ url: config.mysqlUrl });
const say = (message: string) => console.log(`[rotate:keys] ${message}`);
let exitCode = 0;
try {
  say(
    `active key: ${keyring.activeKeyId}; keys configured: ${config.secretKeys.map((k) => k.id).join(', ')}`,
  );
  const results = await rotateSensitiveValues(
    { clickhouse, pool: metadata.pool, keyring },
    (p) => {
      if (p.rowsToDo === 0) say(`${p.appId} ${p.table}: nothing to do`);
      else if (p.finished) say(`${p.appId} ${p.table}: done, ${p.valuesDone} values re-encrypted`);
      else say(`${p.appId} ${p.table}: ${p.valuesDone} values re-encrypted (${p.rowsToDo} rows needed it)`);
    },
    // CLICKHOUSE_CLUSTER: rewrite the local tables on every node.
    { cluster: config.clickhouse.cluster ?? '' },
  );
  const identities = await rotateSensitiveIdentities(
    metadata.pool,
    keyring,
    await sensitiveFieldsByApp(metadata.pool),
  );
  for (const r of identities) {
    say(
      r.rewritten + r.conflicts === 0
        ? `${r.appId} person_identities: nothing to do`
        : `${r.appId} person_identities: done, ${r.rewritten} identities protected or re-encrypted` +
            (r.conflicts > 0
              ? `, ${r.conflicts} left as they were (their number is bound again under the new key)`
              : ''),
    );
  }
  await writeAudit(metadata.pool, {
    actor: { kind: 'system', id: 'rotate-keys', name: `cli:${userInfo().username}`, orgPath: '' },
    ip: '',
    action: 'data.key_rotation',
    details: { activeKeyId: keyring.activeKeyId, results, identities },
  });
  const conflicts = identities.reduce((n, r) => n + r.conflicts, 0);
  if (conflicts > 0) {
    say(
      `not finished: ${conflicts} identities are bound twice (in clear or under the old key, and under the new key); ` +
        'unbind one of each pair with POST /v1/identity/identities/unbind, then run again; keep the older keys until then',
    );
    exitCode = 1;
  } else say(`finished: every sensitive value is on key ${keyring.activeKeyId}; older keys can be removed`);
} catch (error) {
  say(`stopped: ${error instanceof Error ? error.message : String(error)}`);
  say('nothing is lost: fix the cause (e.g. list the missing key in TALLY_SECRET_KEYS) and run it again');
  exitCode = 1;
} finally {
  await clickhouse.close();
  await metadata.close();
}
process.exit(exitCode);
