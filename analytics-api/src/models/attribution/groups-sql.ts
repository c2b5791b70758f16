// Attribution group-by: over the small table of per (conversion group, touchpoint key) sums, rank
// the groups by their conversions (ties by key), keep the top N and merge the rest into "$others",
// and add the overall rows (every group) in the same pass with GROUPING SETS. Each conversion
// belongs to exactly one group, so merged sums are exact. Never reads events itself.
import type { AnalysisContext } from '../common/analysis-context.ts';
import { OTHERS_GROUP } from '../common/query-schema.ts';

/** The sums every attribution row carries, merged by plain addition. */
const SUMS = [
  'rows',
  'heads',
  'head_value',
  'all_value',
  'touched',
  'c_first',
  'c_last',
  'c_linear',
  'c_position',
  'c_decay',
  'v_first',
  'v_last',
  'v_linear',
  'v_position',
  'v_decay',
] as const;

/**
 * Rows (gkey, tkey, sums..., overall): `overall = 1` rows sum every group (the ungrouped result);
 * the others are per kept group, `gkey = '$others'` for the merged rest.
 * `perTouch` yields (gkey, tkey, sums...) with one row per pair.
 */
export function topGroupsSql(ctx: AnalysisContext, perTouch: string): string {
  const top = ctx.params.add(ctx.groupLimit, 'UInt32');
  const others = ctx.params.add(OTHERS_GROUP, 'String');
  // A group's conversions: its unattributed row ('' key) counts them all, every other row counts
  // the conversions whose first valid touchpoint it is (heads), so the sum is each conversion once.
  return `
    SELECT g AS gkey, tkey, ${SUMS.map((s) => `sum(${s}) AS ${s}`).join(', ')},
           grouping(g) AS overall
    FROM (
      SELECT *, if(rank <= ${top}, gkey, ${others}) AS g
      FROM (
        SELECT *, dense_rank() OVER (ORDER BY conversions DESC, gkey ASC) AS rank
        FROM (
          SELECT *, sum(if(tkey = '', rows, heads)) OVER (PARTITION BY gkey) AS conversions
          FROM (${perTouch})
        )
      )
    )
    GROUP BY GROUPING SETS ((g, tkey), (tkey))`;
}
