// Seeded pseudo-random numbers for the demo data: the same seed gives the same province, the same
// customers and the same event uuids, so loading the demo twice stores it once.

export interface Random {
  next(): number;
  int(minInclusive: number, maxInclusive: number): number;
  pick<T>(items: readonly T[]): T;
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  chance(p: number): boolean;
  logNormal(median: number, sigma: number): number;
  uuid(): string;
}

/** mulberry32: tiny, fast, good enough for synthetic data (not for anything secret). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  // At most 8 hex digits per draw: one draw carries 32 random bits.
  const hex = (n: number): string =>
    n > 8
      ? hex(8) + hex(n - 8)
      : Math.floor(next() * 16 ** n)
          .toString(16)
          .padStart(n, '0');
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted(items) {
      const total = items.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [item, w] of items) {
        r -= w;
        if (r <= 0) return item;
      }
      return items[items.length - 1]![0];
    },
    chance: (p) => next() < p,
    logNormal(median, sigma) {
      // Box-Muller on two uniforms.
      const u = Math.max(next(), 1e-12);
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
      return median * Math.exp(sigma * z);
    },
    // Version-4 layout so the collector accepts it as a client uuid.
    uuid: () =>
      `${hex(8)}-${hex(4)}-4${hex(3)}-${(8 + Math.floor(next() * 4)).toString(16)}${hex(3)}-${hex(12)}`,
  };
}
