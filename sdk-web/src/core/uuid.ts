// Event identity: a v4 uuid per event, so a retried batch is counted once by the collector.
// Never derives ids from user data.

/**
 * Returns a random RFC 4122 v4 uuid (crypto.randomUUID when available, else getRandomValues,
 * else Math.random as a last resort for very old WebViews).
 * @example const id = uuidV4(); // '3b241101-e2bb-4255-8caf-4136c566a962'
 */
export function uuidV4(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
