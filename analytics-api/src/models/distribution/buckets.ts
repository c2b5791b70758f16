// Bucket boundaries of a distribution, decided in TypeScript from the query and the measured
// range (min, max) and handed to SQL as one bound array of lower bounds. Every bucket is
// [lower, next lower); the last is open upwards; only custom boundaries add a "<b0" bucket below.
// Never produces more than MAX_BUCKETS buckets or a bucket that no value can reach above max.
import type { DistributionQuery } from './schema.ts';

export interface BucketPlan {
  /** Ascending lower bounds. */
  readonly lowers: readonly number[];
  /** A leading "< lowers[0]" bucket (custom boundaries only). */
  readonly below: boolean;
}

/** The 1-2-3-5 ladder for counts: 1,2,3,4,5,6,8,10, then 15,20,30,50,100 times powers of ten. */
function countLadder(max: number): number[] {
  const out = [1, 2, 3, 4, 5, 6, 8, 10];
  for (let scale = 10; out[out.length - 1]! <= max; scale *= 10) {
    for (const m of [1.5, 2, 3, 5, 10]) out.push(m * scale);
  }
  return out;
}

/** Numbers as a person would write them (no 0.30000000000000004). */
const tidy = (x: number) => Number(x.toPrecision(12));

/** The smallest of 1, 2, 5 x 10^k that is >= x. */
function niceStep(x: number): number {
  const power = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * power >= x) return tidy(m * power);
  return tidy(10 * power);
}

export function planBuckets(
  q: Pick<DistributionQuery, 'bucketMode' | 'bucketCount' | 'boundaries'>,
  integral: boolean,
  min: number,
  max: number,
): BucketPlan {
  const mode = q.bucketMode ?? 'auto';
  if (mode === 'custom') return { lowers: q.boundaries ?? [], below: true };
  if (mode === 'equal_width') {
    const n = q.bucketCount ?? 10;
    const width = integral ? Math.max(1, Math.ceil((max - min + 1) / n)) : (max - min) / n;
    if (width === 0) return { lowers: [min], below: false };
    const lowers: number[] = [];
    for (let i = 0; i < n && tidy(min + i * width) <= max; i++)
      lowers.push(i === 0 ? min : tidy(min + i * width));
    return { lowers, below: false };
  }
  if (integral) {
    const lowers = countLadder(max).filter((b) => b <= max);
    return { lowers: lowers.length ? lowers : [1], below: false };
  }
  if (max === min) return { lowers: [min], below: false };
  const step = niceStep((max - min) / 10);
  const lowers: number[] = [];
  for (let b = Math.floor(min / step) * step, i = 0; tidy(b + i * step) <= max; i++)
    lowers.push(tidy(b + i * step));
  return { lowers, below: false };
}

/** Label, lower and upper of every bucket of a plan, in order. */
export function bucketRanges(
  plan: BucketPlan,
): { label: string; lower: number | null; upper: number | null }[] {
  const { lowers } = plan;
  const out: { label: string; lower: number | null; upper: number | null }[] = [];
  if (plan.below && lowers.length) out.push({ label: `<${lowers[0]}`, lower: null, upper: lowers[0]! });
  lowers.forEach((lower, i) => {
    const upper = lowers[i + 1];
    out.push(
      upper === undefined
        ? { label: `>=${lower}`, lower, upper: null }
        : { label: `[${lower},${upper})`, lower, upper },
    );
  });
  return out;
}
