// The exact set of customers of a group, as a groupBitmap state, for models that count customers
// per (period, group) or per path node and merge those sets afterwards (range totals, "$others").
// Built from the group's person ids collected and sorted first, because a roaring bitmap fed ids
// in hash order inserts each one into the middle of a sorted container, and fed them in order it
// appends. Measured on the 10^8 bench: event analysis 1.66 -> 1.27 s, path 18.4 -> 13.3 s (31 M
// path rows); 10^7 event analysis 0.20 -> 0.17 s. The price is 8 bytes per counted row while a
// group is collected (10^8 event case: 15 M rows, 120 MB), bounded by the query's memory limit.
// Only ever wraps column names and conditions the models built; never caller values.

/**
 * A groupBitmap state (AggregateFunction(groupBitmap, UInt64)) of `person` over the rows where
 * `condition` holds (every row without one); merge it with groupBitmapMerge / -MergeState.
 */
export function personBitmapStateSql(person: string, condition?: string): string {
  const collected = condition ? `groupArrayIf(${person}, ${condition})` : `groupArray(${person})`;
  return `bitmapBuild(arraySort(${collected}))`;
}
