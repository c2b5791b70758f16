// Retention and key rotation on a ClickHouse cluster (CLICKHOUSE_CLUSTER): the TTL, the "apply
// now" deletes and the rotation job's rewrites go to every node's replicated local tables with
// ON CLUSTER, never to the Distributed tables. No
// cluster can run here, so the statements are checked for what can be checked: they name the
// local tables and the cluster, they parse in the real engine, and a cluster name that could
// smuggle SQL is refused. The single-node path is covered by test/retention.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChdbServer, startChdbServer } from '@tally/infra/chdb-server';
import { type ClickHouseClient, connectClickHouse } from '@tally/infra/clickhouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadApiConfig } from '../../src/config.ts';
import { rotationUpdateTarget } from '../../src/crypto/key-rotation.ts';
import { alterTarget, dataTable, retentionTtlExpression } from '../../src/retention/retention-ttl.ts';

describe('retention on a cluster', () => {
  const dir = mkdtempSync(join(tmpdir(), 'retention-cluster-'));
  let server: ChdbServer;
  let client: ClickHouseClient;
  beforeAll(async () => {
    server = await startChdbServer({ dataDir: dir, user: 'u', password: 'p' });
    client = connectClickHouse({ url: server.url, username: 'u', password: 'p', database: 'default' });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('targets the local tables ON CLUSTER, and the plain tables on one node', async () => {
    const expression = retentionTtlExpression([
      { appId: 'mbank', days: 30 },
      { appId: 'h5', days: 730 },
    ]);
    expect(expression).toBe("toDateTime(time) + toIntervalDay(multiIf(app_id IN ('mbank'), 30, 730))");
    const statements = [
      `${alterTarget('events', 'tally')} MODIFY TTL ${expression}`,
      `${alterTarget('profile_ops', 'tally')} DELETE WHERE app_id IN {apps:Array(String)}`,
      // The key rotation job's rewrite (crypto/key-rotation.ts) goes the same way.
      `ALTER TABLE ${rotationUpdateTarget('events', 'tally')} UPDATE props = props WHERE app_id = {app:String}`,
      `ALTER TABLE ${rotationUpdateTarget('profiles', 'tally')} UPDATE props = props WHERE app_id = {app:String}`,
    ];
    expect(statements[0]).toMatch(/^ALTER TABLE events_local ON CLUSTER tally MODIFY TTL/);
    expect(statements[1]).toMatch(/^ALTER TABLE profile_ops_local ON CLUSTER tally DELETE/);
    expect(alterTarget('events', '')).toBe('ALTER TABLE events');
    expect(statements[2]).toMatch(/^ALTER TABLE events_local ON CLUSTER tally UPDATE/);
    expect(statements[3]).toMatch(/^ALTER TABLE profiles ON CLUSTER tally UPDATE/);
    expect(rotationUpdateTarget('events')).toBe('events');
    expect(dataTable('events', 'tally')).toBe('events_local');
    for (const statement of statements) {
      const result = await client.query({
        query: 'SELECT formatQuery({q:String}) AS f',
        query_params: { q: statement },
        format: 'JSONEachRow',
      });
      const [row] = await result.json<{ f: string }>();
      expect(row?.f).toContain('ON CLUSTER tally');
    }
  });

  it('refuses a cluster name that is not a plain identifier, in the code and in the configuration', () => {
    expect(() => alterTarget('events', 'tally; DROP TABLE events --')).toThrow(/cluster name/);
    expect(() =>
      loadApiConfig({ TALLY_SECRET_KEY: Buffer.alloc(32, 1).toString('base64'), CLICKHOUSE_CLUSTER: 'a b' }),
    ).toThrow(/CLICKHOUSE_CLUSTER/);
    expect(
      loadApiConfig({ TALLY_SECRET_KEY: Buffer.alloc(32, 1).toString('base64'), CLICKHOUSE_CLUSTER: 'tally' })
        .clickhouse.cluster,
    ).toBe('tally');
  });
});
