// `pnpm rotate:keys`: the key rotation batch job for operators, run with the analytics API's
// environment (CLICKHOUSE_*, MYSQL_URL, TALLY_SECRET_KEYS with the new key first and the old
// keys still listed). Prints progress per app and table, writes one audit entry (actor "system",
// "cli:<user>") with the counts, and exits 0 when every sensitive value is on the active key,
// 1 when a value could not be decrypted (its key is missing from TALLY_SECRET_KEYS, or it was
// tampered with). Safe to interrupt and run again. Never prints keys or values.
import { userInfo } from 'node:os';
import { connectClickHouse } from '@tally/infra/clickhouse';
import { connectMySql } from '@tally/infra/mysql';
import { writeAudit } from '../audit/audit-log.ts';
import { loadApiConfig } from '../config.ts';
import { rotateSensitiveValues } from './key-rotation.ts';
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
  await writeAudit(metadata.pool, {
    actor: { kind: 'system', id: 'rotate-keys', name: `cli:${userInfo().username}`, orgPath: '' },
    ip: '',
    action: 'data.key_rotation',
    details: { activeKeyId: keyring.activeKeyId, results },
  });
  say(`finished: every sensitive value is on key ${keyring.activeKeyId}; older keys can be removed`);
} catch (error) {
  say(`stopped: ${error instanceof Error ? error.message : String(error)}`);
  say('nothing is lost: fix the cause (e.g. list the missing key in TALLY_SECRET_KEYS) and run it again');
  exitCode = 1;
} finally {
  await clickhouse.close();
  await metadata.close();
}
process.exit(exitCode);
