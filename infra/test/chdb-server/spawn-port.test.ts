// Starting the chdb server process on a port someone else holds: with the one given port the
// start fails (even when the holder answers /ping like a ClickHouse server: readiness is checked
// against the child's own pid), and with a port picker it starts again on a new port.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnChdbServer } from '../../src/chdb-server/spawn.ts';

describe('chdb server process: a taken port', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chdb-port-'));
  let impostor: Server;
  let port: number;
  beforeAll(async () => {
    // Another process's server on the port, answering /ping as ClickHouse does.
    impostor = createServer((_req, res) => res.writeHead(200).end('Ok.\n'));
    await new Promise<void>((r) => impostor.listen(0, '127.0.0.1', () => r()));
    port = (impostor.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => impostor.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });
  const options = { user: 'tally', password: 'secret' };
  // The child's own "address in use" goes to a log file, not into the test output.

  it('never takes the server holding the port for its own child', async () => {
    await expect(
      spawnChdbServer({ ...options, dataDir: join(dir, 'fixed'), port, logFile: join(dir, 'fixed.log') }),
    ).rejects.toThrow(/exited with code/);
  }, 60_000);

  it('starts on a new port when the picked one is taken', async () => {
    const spare = createServer();
    await new Promise<void>((r) => spare.listen(0, '127.0.0.1', () => r()));
    const sparePort = (spare.address() as { port: number }).port;
    await new Promise<void>((r) => spare.close(() => r()));
    const picks = [port, sparePort];
    const chdb = await spawnChdbServer({
      ...options,
      dataDir: join(dir, 'picked'),
      port: async () => picks.shift()!,
      logFile: join(dir, 'picked.log'),
    });
    try {
      expect(chdb.url).toBe(`http://127.0.0.1:${sparePort}`);
      const ping = await fetch(`${chdb.url}/ping`);
      expect(ping.headers.get('x-tally-pid')).toBe(String(chdb.pid));
    } finally {
      await chdb.stop();
    }
  }, 60_000);
});
