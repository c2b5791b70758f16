// The browser's address reaches the API's login throttling and audit log through the console
// server (X-Forwarded-For, set by the proxy), and only through it: the API trusts the header
// only from the console server's source address, so a direct caller cannot forge it, and a
// header the client sends to the console is replaced, not passed on.
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../../analytics-api/src/staff/seed-demo.ts';
import type { SuiteContext } from '../support/suite-context.ts';

/** POSTs JSON from a chosen local address (the loopback net is 127/8, so 127.0.0.3 is a "client"). */
function postFrom(
  url: string,
  body: unknown,
  options: { localAddress?: string; headers?: Record<string, string> },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

export function forwardedAddressSpecs(ctx: SuiteContext): void {
  describe('client address through the console', () => {
    const lastLoginAddress = async (username: string) => {
      const [rows] = (await ctx.cs.stack.metadata.pool.query(
        "SELECT ip FROM audit_log WHERE actor_name = ? AND action = 'auth.login' ORDER BY id DESC LIMIT 1",
        [username],
      )) as unknown as [Array<{ ip: string }>];
      return rows[0]?.ip;
    };

    it('a login through the console is audited with the client address, not a forged one', async () => {
      const status = await postFrom(
        `${ctx.cs.console.url}/v1/auth/login`,
        { username: 'b002.admin', password: DEMO_PASSWORD },
        // The client tries to choose its address; the console replaces the header.
        { localAddress: '127.0.0.3', headers: { 'x-forwarded-for': '198.51.100.7' } },
      );
      expect(status).toBe(200);
      expect(await lastLoginAddress('b002.admin')).toBe('127.0.0.3');
    });

    it('a direct API call with a forged X-Forwarded-For is audited with its real address', async () => {
      const status = await postFrom(
        `${ctx.cs.apiUrl}/v1/auth/login`,
        { username: 'p01.admin', password: DEMO_PASSWORD },
        { localAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.66' } },
      );
      expect(status).toBe(200);
      expect(await lastLoginAddress('p01.admin')).toBe('127.0.0.1');
    });
  });
}
