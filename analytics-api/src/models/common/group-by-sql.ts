// Group-by: the group key of a row as one String (the values of up to two group-by properties,
// joined by a unit separator), numeric properties optionally cut into [b_i, b_i+1) ranges, and
// the "top N + others" step that keeps charts readable. Values '' mean "not set" and come back
// as null. Never splices a value: bucket labels and top keys are bound parameters.

import type { AnalysisContext } from './analysis-context.ts';
import { propertySql } from './property-sql.ts';
import { type GroupBy, type GroupValue, OTHERS_GROUP } from './query-schema.ts';

export const GROUP_SEPARATOR = '\u001f';

export function bucketLabel(boundaries: readonly number[], value: number): string {
  if (value < boundaries[0]!) return `<${boundaries[0]}`;
  for (let i = 0; i < boundaries.length - 1; i++) {
    if (value < boundaries[i + 1]!) return `[${boundaries[i]},${boundaries[i + 1]})`;
  }
  return `>=${boundaries[boundaries.length - 1]}`;
}

function oneGroupSql(ctx: AnalysisContext, g: GroupBy, field: string): string {
  const source = g.source ?? 'event';
  const ref = ctx.names.property(source, g.property, `${field}.property`);
  const p = propertySql(ref, ctx.params, source === 'event' ? 'e' : 'u', ctx.timeZone);
  if (!g.buckets || p.number === null) return p.text;
  const bounds = [...g.buckets].sort((a, b) => a - b);
  const arms: string[] = [
    `${p.number} < ${ctx.params.add(bounds[0], 'Float64')}`,
    ctx.params.add(`<${bounds[0]}`, 'String'),
  ];
  for (let i = 0; i < bounds.length - 1; i++) {
    arms.push(
      `${p.number} < ${ctx.params.add(bounds[i + 1], 'Float64')}`,
      ctx.params.add(`[${bounds[i]},${bounds[i + 1]})`, 'String'),
    );
  }
  arms.push(ctx.params.add(`>=${bounds[bounds.length - 1]}`, 'String'));
  return `if(${p.isSet}, multiIf(${arms.join(', ')}), '')`;
}

/** The group key expression over e / u; "''" when the query has no group-by. */
export function groupKeySql(ctx: AnalysisContext): string {
  const groups = ctx.query.groupBy ?? [];
  if (groups.length === 0) return "''";
  const parts = groups.map((g, i) => oneGroupSql(ctx, g, `groupBy[${i}]`));
  return parts.length === 1 ? parts[0]! : `concat(${parts.join(`, '${GROUP_SEPARATOR}', `)})`;
}

/** Maps keys outside `top` to the others group (a bound array). */
export function keepTopGroupsSql(ctx: AnalysisContext, keyColumn: string, top: readonly string[]): string {
  if (!ctx.query.groupBy?.length) return keyColumn;
  return `if(${keyColumn} IN ${ctx.params.add(top, 'Array(String)')}, ${keyColumn}, ${ctx.params.add(OTHERS_GROUP, 'String')})`;
}

/** A group key as returned to callers: one value per group-by, null where not set. */
export function groupValue(ctx: AnalysisContext, key: string): GroupValue | null {
  const groups = ctx.query.groupBy ?? [];
  if (groups.length === 0) return null;
  if (key === OTHERS_GROUP) return groups.map(() => OTHERS_GROUP);
  return key.split(GROUP_SEPARATOR).map((v) => (v === '' ? null : v));
}
