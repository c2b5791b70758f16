// Deterministic event uuids (RFC 4122 version 5, SHA-1 in a Tally namespace) for clients that
// send no uuid of their own: the Sensors Analytics SDKs and imported files. The same record must
// always give the same uuid, so a retried request or a re-run import is counted once by the
// ingestion writer. Never random, never dependent on the receive time.
import { createHash } from 'node:crypto';

/** Tally's namespace for derived event uuids (a fixed random UUID; changing it re-counts history). */
const NAMESPACE = Buffer.from('6f1d1c52a0a94cbb8d0e5a7f3b9e2c41', 'hex');

export function uuidV5(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Stable JSON of a value: object keys sorted, so key order never changes the derived uuid. Depth
 * is capped (hostile input must not exhaust the stack; such records fail validation anyway).
 */
export function canonicalJson(value: unknown, depth = 0): string {
  if (depth > 16) return '"<deep>"';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v, depth + 1)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .sort()
      .filter((k) => obj[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k], depth + 1)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
