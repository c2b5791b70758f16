// TRUST_PROXY: off, any hop, or only named proxies (the console server's source address), with
// anything that is not an address or CIDR refused at boot naming the variable.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadApiConfig, parseTrustProxy } from '../src/config.ts';

const KEY = randomBytes(32).toString('base64');

describe('TRUST_PROXY', () => {
  it('reads booleans and address lists', () => {
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('0')).toBe(false);
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('1')).toBe(true);
    expect(parseTrustProxy('127.0.0.2')).toBe('127.0.0.2');
    expect(parseTrustProxy(' 10.0.0.5, 10.1.0.0/16 ,::1')).toBe('10.0.0.5,10.1.0.0/16,::1');
  });

  it('refuses what is not an address or CIDR', () => {
    for (const bad of ['loopback', '10.0.0.0/33', '10.0.0.1/8/1', 'console.local', '10.0.0.1,'])
      expect(() => parseTrustProxy(bad), bad).toThrow(/TRUST_PROXY/);
  });

  it('an address list does not turn secure cookies on; true (a TLS load balancer) does', () => {
    const listed = loadApiConfig({ TALLY_SECRET_KEY: KEY, TRUST_PROXY: '127.0.0.2' });
    expect(listed.trustProxy).toBe('127.0.0.2');
    expect(listed.cookieSecure).toBe(false);
    expect(loadApiConfig({ TALLY_SECRET_KEY: KEY }).trustProxy).toBe(false);
    expect(loadApiConfig({ TALLY_SECRET_KEY: KEY, TRUST_PROXY: 'true' }).cookieSecure).toBe(true);
  });
});
