// ID-Mapping: one bank customer across devices, channels and logins.
export {
  type ClosablePersonResolver,
  createPersonResolver,
  type PersonResolverDeps,
} from './person-resolver.ts';
export { eventsWithPersonSql, PERSON_OVERRIDES_IN_FORCE, resolvedPersonExpr } from './resolved-person-sql.ts';
