// The private MariaDB server of the embedded deployment and the tests: a server whose port was
// taken between the pick and its bind (parallel test files) starts again on another port when the
// caller can pick one, and a server that cannot start says why in the error itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMariaDb } from '../../src/mariadb/launcher.ts';

/** Holds a loopback port for the test's duration. */
function holdPort(): Promise<{ port: number; server: Server }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (typeof address === 'object' && address) resolve({ port: address.port, server });
      else reject(new Error('no port'));
    });
  });
}

describe('MariaDB launcher', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-mariadb-'));
  let taken: { port: number; server: Server };
  let spare: { port: number; server: Server };
  beforeAll(async () => {
    taken = await holdPort();
    spare = await holdPort();
  });
  afterAll(() => {
    taken.server.close();
    spare.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts again on a new port when the picked one is taken', async () => {
    const picks = [taken.port];
    // The second pick is free: release the spare port just before handing it out.
    const pick = async () => {
      const next = picks.shift();
      if (next !== undefined) return next;
      await new Promise<void>((r) => spare.server.close(() => r()));
      return spare.port;
    };
    const db = await startMariaDb({ dataDir: join(dir, 'retry'), port: pick, password: 'launcher-test' });
    try {
      expect(db.url).toContain(`:${spare.port}/`);
      const conn = await mysql.createConnection(db.url);
      const [rows] = await conn.query('SELECT 1 AS one');
      expect(rows).toEqual([{ one: 1 }]);
      await conn.end();
    } finally {
      await db.stop();
    }
  }, 120_000);

  it('names the cause in the error when the one given port is taken', async () => {
    await expect(
      startMariaDb({ dataDir: join(dir, 'fixed'), port: taken.port, password: 'launcher-test' }),
    ).rejects.toThrow(/mariadbd exited \(code \d+\)[\s\S]*(Address already in use|Bind on TCP\/IP port)/);
  }, 120_000);
});
