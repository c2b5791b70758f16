// Runs attribution and shapes the per-touchpoint sums: credits per model with their share of the
// attributed conversions, totals, and the conversions no touchpoint reached -- overall and, with
// group-by, the same blocks per conversion group (shares relative to the group's own conversions).
import type { AnalysisContext } from '../common/analysis-context.ts';
import { groupValue } from '../common/group-by-sql.ts';
import { OTHERS_GROUP } from '../common/query-schema.ts';
import {
  ATTRIBUTION_MODELS,
  type AttributionGroup,
  type AttributionModelName,
  type AttributionQuery,
  type AttributionResult,
  type TouchpointCredit,
} from './schema.ts';
import { attributionSql, TOUCH_SEPARATOR } from './sql.ts';

type Row = Record<string, string | number>;
type Block = Omit<AttributionGroup, 'group'>;

const COLUMN: Record<AttributionModelName, string> = {
  first_touch: 'first',
  last_touch: 'last',
  linear: 'linear',
  position_based: 'position',
  time_decay: 'decay',
};

const round = (v: number) => Math.round(v * 1e6) / 1e6;

/** total / attributed / unattributed and per-touchpoint credits of one set of rows (one group). */
function blockOf(q: AttributionQuery, models: readonly AttributionModelName[], rows: readonly Row[]): Block {
  const unattributed = { conversions: 0, value: 0 };
  const attributed = { conversions: 0, value: 0 };
  const touched = rows.filter((r) => r.tkey !== '');
  for (const r of rows) {
    if (r.tkey === '') {
      unattributed.conversions = Number(r.rows);
      unattributed.value = round(Number(r.all_value));
    } else {
      attributed.conversions += Number(r.heads);
      attributed.value += Number(r.head_value);
    }
  }
  attributed.value = round(attributed.value);
  const touchpoints: TouchpointCredit[] = touched.map((r) => {
    const key = String(r.tkey);
    const at = key.indexOf(TOUCH_SEPARATOR);
    const index = Number(key.slice(0, at));
    const split = key.slice(at + 1);
    const credits: TouchpointCredit['credits'] = {};
    for (const m of models) {
      const conversions = round(Number(r[`c_${COLUMN[m]}`]));
      credits[m] = {
        conversions,
        share:
          attributed.conversions === 0 ? null : round(Number(r[`c_${COLUMN[m]}`]) / attributed.conversions),
        value: round(Number(r[`v_${COLUMN[m]}`])),
      };
    }
    return {
      touchpoint: index,
      event: q.touchpoints[index]!.event,
      splitValue: q.touchpoints[index]!.splitBy && split !== '' ? split : null,
      touchedConversions: Number(r.touched),
      credits,
    };
  });
  touchpoints.sort(
    (a, b) =>
      a.touchpoint - b.touchpoint ||
      b.touchedConversions - a.touchedConversions ||
      String(a.splitValue ?? '').localeCompare(String(b.splitValue ?? '')),
  );
  const total = {
    conversions: attributed.conversions + unattributed.conversions,
    value: round(attributed.value + unattributed.value),
  };
  return { total, attributed, unattributed, touchpoints };
}

export async function runAttribution(
  ctx: AnalysisContext<AttributionQuery>,
): Promise<Omit<AttributionResult, 'meta'>> {
  const q = ctx.query;
  const models = ATTRIBUTION_MODELS.filter((m) => (q.models ?? ATTRIBUTION_MODELS).includes(m));
  const rows = await ctx.rows<Row>(attributionSql(ctx));
  if (!q.groupBy?.length) return { models: [...models], ...blockOf(q, models, rows) };
  // Grouped rows: `overall` = 1 sums every group (the ungrouped blocks), the rest are per group.
  const overall = blockOf(
    q,
    models,
    rows.filter((r) => Number(r.overall) === 1),
  );
  const byGroup = new Map<string, Row[]>();
  for (const r of rows) {
    if (Number(r.overall) === 1) continue;
    const key = String(r.gkey);
    byGroup.set(key, [...(byGroup.get(key) ?? []), r]);
  }
  // Top N groups by conversions (ties by key, bytewise like the engine), "$others" last.
  const groups = [...byGroup.entries()]
    .map(([key, groupRows]) => ({ key, block: blockOf(q, models, groupRows) }))
    .sort(
      (a, b) =>
        Number(a.key === OTHERS_GROUP) - Number(b.key === OTHERS_GROUP) ||
        b.block.total.conversions - a.block.total.conversions ||
        Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)),
    )
    .map(({ key, block }): AttributionGroup => ({ group: groupValue(ctx, key) ?? [], ...block }));
  return { models: [...models], ...overall, groups };
}
