// The ClickHouse migrations under a database other than `tally` (CLICKHOUSE_DATABASE): the
// statements that must name their database in text (the overrides dictionary's source query,
// {{database}}) name the connection's, so the dictionary loads that database's overrides; a
// database name that is not a plain identifier is refused before it is spliced into SQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChdbServer, startChdbServer } from '../../src/chdb-server/index.ts';
import { type ClickHouseClient, connectClickHouse, migrateClickHouse } from '../../src/clickhouse/index.ts';
import { plainIdentifier } from '../../src/clickhouse/migrate.ts';

describe('ClickHouse migrations in a database of the operator’s choosing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ch-migrate-db-'));
  let server: ChdbServer;
  const clients: ClickHouseClient[] = [];
  const connect = (database: string) => {
    const client = connectClickHouse({ url: server.url, username: 'u', password: 'p', database });
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    server = await startChdbServer({ dataDir: dir, user: 'u', password: 'p' });
    const admin = connect('default');
    await admin.command({ query: 'CREATE DATABASE IF NOT EXISTS analytics_b' });
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("builds the overrides dictionary from the connection's own database", async () => {
    const client = connect('analytics_b');
    await migrateClickHouse(client);
    await client.insert({
      table: 'person_overrides',
      format: 'JSONEachRow',
      values: [{ app_id: 'a', old_person_id: 101, new_person_id: 1, version: 1 }],
    });
    await client.command({ query: 'SYSTEM RELOAD DICTIONARY person_overrides_in_force' });
    const rows = await client.query({
      query: `SELECT bitAnd(dictGet('person_overrides_in_force', 'value', toUInt64(101)), 0xFFFFFFFFFF) AS person,
                     dictGet('person_overrides_in_force', 'value', toUInt64(0)) > 0 AS usable`,
      format: 'JSONEachRow',
    });
    expect(await rows.json()).toEqual([{ person: 1, usable: 1 }]);
  });

  it('splices only a plain identifier into SQL text', () => {
    expect(plainIdentifier('analytics_b')).toBe('analytics_b');
    for (const bad of ['1analytics', 'a-b', "x') --", 'a.b', ''])
      expect(() => plainIdentifier(bad)).toThrow(/not a plain identifier/);
  });
});
