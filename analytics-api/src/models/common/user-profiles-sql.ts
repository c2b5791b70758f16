// The current profile of every person of app {app:String}: the latest version per person, read
// with argMax instead of FINAL (FINAL over a large profile table costs gigabytes per chart, see
// OpenPanel #426) and joined only when a query uses user properties. Deleted profiles drop out.
export const CURRENT_PROFILES_SQL = `
  SELECT person_id,
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
