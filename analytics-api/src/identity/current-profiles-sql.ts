// SQL for "every customer's profile as of now", for analyses that filter or group by user
// properties. Reads `profiles` with argMax(..., version) per person instead of FINAL: the latest
// fold wins without waiting for background merges, and the query stays a plain GROUP BY. Rows are
// keyed by the resolved person (a device attributed to a customer has only a hidden row), so join
// it on the resolved person expression of resolved-person-sql.ts:
//
//   SELECT p.bank_code, count()
//   FROM ${eventsWithPersonSql('e')}
//   LEFT JOIN (${CURRENT_PROFILES_SQL}) AS p ON p.person_id = ${resolvedPersonExpr('e')}
//   WHERE e.app_id = {app:String} ...
//
// Staleness: a profile is folded right after the batch that changed it is stored (the writer's
// next step), so it lags its events by one fold; a person whose fold failed is refolded with the
// writer's next batch. Caller values only as bound parameters; the caller binds {app:String}.

/** A subquery yielding one row per live profile of app {app:String}. */
export const CURRENT_PROFILES_SQL = `
  SELECT person_id,
         argMax(login_id, version) AS login_id,
         argMax(props, version) AS props,
         argMax(num_props, version) AS num_props,
         argMax(bank_code, version) AS bank_code,
         argMax(branch_code, version) AS branch_code,
         argMax(first_seen, version) AS first_seen,
         argMax(last_seen, version) AS last_seen
  FROM profiles
  WHERE app_id = {app:String}
  GROUP BY person_id
  HAVING argMax(is_deleted, version) = 0`;
