// ID-Mapping: one bank customer across devices, channels and logins; and customer profiles.
export { createProfileFolder, type ProfileFolder } from '../profiles/profile-folder.ts';
export { CURRENT_PROFILES_SQL } from './current-profiles-sql.ts';
export {
  type ClosablePersonResolver,
  createPersonResolver,
  type PersonResolverDeps,
} from './person-resolver.ts';
export {
  eventsWithPersonSql,
  PERSON_OVERRIDES_IN_FORCE,
  personResolutionSql,
  resolvedPersonExpr,
} from './resolved-person-sql.ts';
