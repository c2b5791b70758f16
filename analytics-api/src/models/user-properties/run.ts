// Runs user property analysis: the distinct-values probe, the top values of each dimension (only
// when some dimension has more than groupLimit values), then the cells, margins and total, shaped
// into a distribution (one property) or a cross table (two).
import type { AnalysisContext } from '../common/analysis-context.ts';
import { OTHERS_GROUP } from '../common/query-schema.ts';
import type { UserCell, UserCellStats, UserPropertiesQuery, UserPropertiesResult } from './schema.ts';
import { userPropertiesSql } from './sql.ts';

type Row = Record<string, unknown>;
const round = (v: number) => Math.round(v * 1e6) / 1e6;
const shownValue = (key: string) => (key === '' ? null : key);

function statsOf(row: Row | undefined, all: number, measured: boolean): UserCellStats {
  const users = Number(row?.users ?? 0);
  const withValue = Number(row?.withValue ?? 0);
  const has = measured && withValue > 0;
  return {
    users,
    share: all === 0 ? null : round(users / all),
    withValue: measured ? withValue : 0,
    sum: has ? round(Number(row!.total)) : null,
    average: has ? round(Number(row!.total) / withValue) : null,
    median: has ? Number(row!.med) : null,
    min: has ? Number(row!.mn) : null,
    max: has ? Number(row!.mx) : null,
  };
}

export async function runUserProperties(
  ctx: AnalysisContext<UserPropertiesQuery>,
): Promise<Omit<UserPropertiesResult, 'meta'>> {
  const sql = userPropertiesSql(ctx);
  const groupBy = ctx.query.groupBy ?? [];
  // grouping(d0, d1): 0 = (d0, d1), 1 = (d0), 2 = (d1), 3 = ().
  const marginSet = (d: number) => (d === 0 ? 1 : 2);
  let top: string[][] = groupBy.map(() => []);
  let rows: Row[];
  const counts = sql.probe ? (await ctx.rows<Row>(sql.probe))[0] : undefined;
  if (counts && groupBy.every((_, d) => Number(counts[`n${d}`]) <= ctx.groupLimit)) {
    // Few values: every one is shown; ranked as the top-values pass would (customers, then value
    // bytewise), leaving out values no matching customer has.
    rows = await ctx.rows<Row>(sql.cells(null));
    top = groupBy.map((_, d) =>
      rows
        .filter((r) => Number(r.grp) === marginSet(d) && Number(r.users) > 0)
        .sort(
          (a, b) =>
            Number(b.users) - Number(a.users) ||
            Buffer.compare(Buffer.from(String(a[`d${d}`])), Buffer.from(String(b[`d${d}`]))),
        )
        .map((r) => String(r[`d${d}`])),
    );
  } else {
    if (sql.topValues) {
      for (const r of await ctx.rows<{ dim: number; val: string }>(sql.topValues))
        top[Number(r.dim)]!.push(r.val);
    }
    rows = await ctx.rows<Row>(sql.cells(top));
  }
  const measured = ctx.query.measure !== undefined;
  const totalRow = rows.find((r) => Number(r.grp) === 3);
  const all = Number(totalRow?.users ?? 0);
  const total = statsOf(totalRow, all, measured);
  const values = groupBy.map((_, d) => {
    const col = `d${d}`;
    const set = marginSet(d);
    const hasOthers = rows.some(
      (r) => Number(r.grp) === set && r[col] === OTHERS_GROUP && Number(r.users) > 0,
    );
    return [...top[d]!, ...(hasOthers ? [OTHERS_GROUP] : [])];
  });
  const cell = (group: string[], row: Row | undefined): UserCell => ({
    group: group.map(shownValue),
    ...statsOf(row, all, measured),
  });
  const find = (set: number, d0: string, d1: string) =>
    rows.find((r) => Number(r.grp) === set && r.d0 === d0 && r.d1 === d1);
  let cells: UserCell[] = [];
  let margins: UserCell[][] = [];
  if (groupBy.length === 1) {
    cells = values[0]!.map((v) => cell([v], find(1, v, '')));
  } else if (groupBy.length === 2) {
    cells = values[0]!.flatMap((a) =>
      values[1]!.flatMap((b) => {
        const row = find(0, a, b);
        return row ? [cell([a, b], row)] : [];
      }),
    );
    margins = [
      values[0]!.map((a) => cell([a], find(1, a, ''))),
      values[1]!.map((b) => cell([b], find(2, '', b))),
    ];
  }
  return {
    total,
    dimensions: groupBy.map((g, d) => ({ property: g.property, values: values[d]!.map(shownValue) })),
    cells,
    margins,
  };
}
