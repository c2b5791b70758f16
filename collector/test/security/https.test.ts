// The collector serves HTTPS from a configured certificate (TLS_CERT_FILE / TLS_KEY_FILE; a
// self-signed one made with openssl here): an SDK batch over TLS is accepted, and the
// configuration refuses a certificate without its key. The sink records the batch (transport
// guarantees are tested against real storage in test/ingestion/).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from '@tally/testbed/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadCollectorConfig } from '../../src/config.ts';
import { recordingSink, WRITE_KEY } from '../batch/test-app.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'collector-tls-'));
  selfSignedCertificate(dir);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function httpsPost(url: string, ca: Buffer, body: object): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', ca, headers: { 'content-type': 'application/json', 'x-tally-key': WRITE_KEY } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('collector over HTTPS', () => {
  it('accepts an SDK batch over TLS from the configured certificate', async () => {
    const config = loadCollectorConfig({
      LOG_LEVEL: 'silent',
      TLS_CERT_FILE: join(dir, 'cert.pem'),
      TLS_KEY_FILE: join(dir, 'key.pem'),
    });
    expect(config.tls).not.toBeNull();
    const cert = readFileSync(config.tls!.certFile);
    const sink = recordingSink();
    const app = await buildApp({
      config,
      sink,
      apps: {
        byWriteKey: async (key) =>
          key === WRITE_KEY ? { appId: 'mbank', defaultBankCode: 'B000', timeZone: 'Asia/Shanghai' } : null,
      },
      tls: { cert, key: readFileSync(config.tls!.keyFile) },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const port = (app.server.address() as { port: number }).port;
      const res = await httpsPost(`https://127.0.0.1:${port}/v1/batch`, cert, {
        events: [{ event: '$AppStart', time: Date.now(), distinct_id: 'tls-d1' }],
      });
      expect(res.status, res.body).toBe(200);
      expect(sink.batches[0]?.events[0]?.distinct_id).toBe('tls-d1');
      // Plain HTTP to the TLS port gets no answer a client could mistake for success.
      const plain = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.status,
        () => 0,
      );
      expect(plain).not.toBe(200);
    } finally {
      await app.close();
    }
  });

  it('refuses a certificate without its key', () => {
    expect(() => loadCollectorConfig({ TLS_CERT_FILE: join(dir, 'cert.pem') })).toThrow(
      /TLS_CERT_FILE and TLS_KEY_FILE must be set together/,
    );
  });
});
