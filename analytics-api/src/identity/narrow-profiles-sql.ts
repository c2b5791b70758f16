// The current profiles an analysis reads, narrowed to what its SQL reads from them. A query that
// groups by `u.props['level']` gets a profiles subquery with a `props['level']` column instead of
// the whole `props` map, so only that value travels on (into a join's hash table, a GROUP BY):
// carrying whole maps measured ~5x slower (10^7 events, 500,000 profiles: 290 ms vs 50 ms; README
// of the models). Same rows and values as CURRENT_PROFILES_SQL (both are currentProfilesSql: the
// latest version, deleted profiles dropped). Only rewrites `u.` references it produced itself; map
// keys are the caller's bound parameters and stay parameters. Never sees caller values.

import { currentProfilesSql, PROFILE_COLUMNS } from './current-profiles-sql.ts';

export interface NarrowedProfiles {
  /** The consumer's SQL fragments with map reads replaced by narrow columns of `u`, in order. */
  readonly rewritten: readonly string[];
  /** A subquery yielding one row per live profile of app {app:String}, keyed by person_id. */
  readonly subquery: string;
}

/** Narrows the profile reads of `fragments` (SQL text over alias `u`). */
export function narrowProfiles(fragments: readonly string[]): NarrowedProfiles {
  const columns = new Map<string, string>();
  const column = (alias: string, expression: string) => {
    columns.set(alias, expression);
    return `u.${alias}`;
  };
  const mapName = (map: string) => (map === 'props' ? 's' : 'n');
  const rewritten = fragments.map((sql) =>
    sql
      .replace(/mapContains\(u\.(props|num_props), \{(\w+):String\}\)/g, (_, map: string, key: string) =>
        column(`has_${mapName(map)}_${key}`, `mapContains(${map}, {${key}:String})`),
      )
      .replace(/\bu\.(props|num_props)\[\{(\w+):String\}\]/g, (_, map: string, key: string) =>
        column(`${mapName(map)}_${key}`, `${map}[{${key}:String}]`),
      ),
  );
  // Columns read as they are; a whole map read another way (none today) gets the whole map.
  const all = rewritten.join('\n');
  for (const name of PROFILE_COLUMNS) {
    if (new RegExp(`\\bu\\.${name}\\b`).test(all)) columns.set(name, name);
  }
  return { rewritten, subquery: currentProfilesSql([...columns]) };
}
