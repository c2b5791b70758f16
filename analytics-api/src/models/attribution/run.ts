// Runs attribution and shapes the per-touchpoint sums: credits per model with their share of the
// attributed conversions, totals, and the conversions no touchpoint reached.
import type { AnalysisContext } from '../common/analysis-context.ts';
import {
  ATTRIBUTION_MODELS,
  type AttributionModelName,
  type AttributionQuery,
  type AttributionResult,
  type TouchpointCredit,
} from './schema.ts';
import { attributionSql, TOUCH_SEPARATOR } from './sql.ts';

type Row = Record<string, string | number>;

const COLUMN: Record<AttributionModelName, string> = {
  first_touch: 'first',
  last_touch: 'last',
  linear: 'linear',
  position_based: 'position',
  time_decay: 'decay',
};

const round = (v: number) => Math.round(v * 1e6) / 1e6;

export async function runAttribution(
  ctx: AnalysisContext<AttributionQuery>,
): Promise<Omit<AttributionResult, 'meta'>> {
  const q = ctx.query;
  const models = ATTRIBUTION_MODELS.filter((m) => (q.models ?? ATTRIBUTION_MODELS).includes(m));
  const rows = await ctx.rows<Row>(attributionSql(ctx));
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
  return { models: [...models], total, attributed, unattributed, touchpoints };
}
