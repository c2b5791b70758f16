// "Show these customers": one page of the customers behind a number of a result (a funnel step, a
// retention cell, a distribution bucket, ...). Each model hands over its own per-person subquery,
// the one its counts come from, so a list never disagrees with the number it was opened from.
// Lists are detail rows: the models that serve them need analysis.export, and run-analysis masks
// their login ids like every other output. Builds SQL only around subqueries and conditions the
// models built with bound parameters; never splices a caller value.
import { Type } from '@sinclair/typebox';
import { DateTime } from 'luxon';
import { ApiError } from '../../errors/catalogue.ts';
import { currentProfilesSql } from '../../identity/current-profiles-sql.ts';
import type { AnalysisContext } from './analysis-context.ts';
import { GROUP_SEPARATOR } from './group-by-sql.ts';
import {
  type CommonQuery,
  type GroupValue,
  GroupValueSchema,
  OTHERS_GROUP,
  ResultMetaSchema,
} from './query-schema.ts';

/**
 * A customer's login id in the event models' lists: the event source column `lid` and, per
 * customer, a login id one of their events behind the number carried ('' when none did).
 */
export const LOGIN_ID_SOURCE = { lid: 'e.login_id' } as const;
export const LOGIN_ID_PER_PERSON = "anyIf(lid, lid != '') AS login_id";

/** Paging of a list, added to the query of the model it lists from. */
export const personPageProperties = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
};

/** With group-by: which group's customers (a group value from the result). */
export const listedGroupProperty = {
  group: Type.Optional({
    ...GroupValueSchema,
    maxItems: 2,
    description:
      'With groupBy: a group value from the result (one entry per groupBy; ["$others"] for the others ' +
      'group); without it, every group',
  }),
};

export const PersonSchema = Type.Object({
  personId: Type.String(),
  /** The bank's customer number (the profile's, else one the events behind the number carried); null for a device that never logged in. */
  loginId: Type.Union([Type.String(), Type.Null()]),
});

export const PersonListResultSchema = Type.Object({
  /** Customers matching, over every page. */
  total: Type.Integer(),
  /** This page, by person id ascending. */
  persons: Type.Array(PersonSchema),
  meta: ResultMetaSchema,
});

export interface PersonPage {
  readonly total: number;
  readonly persons: { personId: string; loginId: string | null }[];
}

export interface PersonPageOptions {
  /**
   * Evaluate both sides of if / and eagerly (short_circuit_function_evaluation = 'disable'). With
   * the page's filter over columns made by array lambdas (the funnel walk), ClickHouse otherwise
   * evaluates those lazily, row by row: the 10^7 bench funnel list took 2.7 s instead of 0.3 s.
   * Only for SQL whose every branch is safe to evaluate on every row.
   */
  readonly eager?: boolean;
}

/**
 * A page of `persons` (columns person, login_id; one row per customer) where `condition` holds.
 * Login ids come from the customers' current profiles (the customer number as ID-Mapping knows
 * it), else from what the list's own rows carried: an app start before the login carries none.
 */
export async function personPage(
  ctx: AnalysisContext<CommonQuery & { limit?: number; offset?: number }>,
  persons: string,
  condition: string,
  options: PersonPageOptions = {},
): Promise<PersonPage> {
  const { limit = 100, offset = 0 } = ctx.query;
  const settings = options.eager ? "\n    SETTINGS short_circuit_function_evaluation = 'disable'" : '';
  const rows = await ctx.rows<{ personId: string; loginId: string; total: number }>(`
    SELECT toString(person) AS personId, login_id AS loginId, count() OVER () AS total
    FROM (${persons}) WHERE ${condition}
    ORDER BY person LIMIT ${Number(limit)} OFFSET ${Number(offset)}${settings}`);
  let total = Number(rows[0]?.total ?? 0);
  if (rows.length === 0 && offset > 0) {
    // Past the last page: the window count has no row to ride on.
    const counted = await ctx.rows<{ total: number }>(
      `SELECT count() AS total FROM (${persons}) WHERE ${condition}${settings}`,
    );
    total = Number(counted[0]?.total ?? 0);
  }
  const profiled = new Map<string, string>();
  if (rows.length > 0) {
    // A primary-key read of at most one page of profiles (sorted by app, person).
    const ids = ctx.params.add(
      rows.map((r) => Number(r.personId)),
      'Array(UInt64)',
    );
    const found = await ctx.rows<{ personId: string; loginId: string }>(`
      SELECT toString(person_id) AS personId, login_id AS loginId
      FROM (${currentProfilesSql([['login_id', 'login_id']])})
      WHERE person_id IN ${ids}`);
    for (const f of found) if (f.loginId) profiled.set(f.personId, f.loginId);
  }
  return {
    total,
    persons: rows.map((r) => ({
      personId: r.personId,
      loginId: profiled.get(r.personId) ?? (r.loginId || null),
    })),
  };
}

/**
 * The group key (as the model's SQL writes it) of the group a list asks for, checked against the
 * query: undefined when no group was asked for; an error naming `field` when the query has no
 * group-by or the value has the wrong number of entries.
 */
export function listedGroupKey(
  ctx: AnalysisContext,
  group: GroupValue | undefined,
  field = 'group',
): string | undefined {
  if (group === undefined) return undefined;
  const groupBy = ctx.query.groupBy ?? [];
  if (groupBy.length === 0) throw new ApiError('VALIDATION_FAILED', 'a group to list needs a groupBy', field);
  if (group.length !== groupBy.length) {
    throw new ApiError('VALIDATION_FAILED', `needs one value per groupBy (${groupBy.length})`, field);
  }
  if (group.every((v) => v === OTHERS_GROUP)) return OTHERS_GROUP;
  return group.map((v) => v ?? '').join(GROUP_SEPARATOR);
}

/** A cohort or period the caller names by its first day: refused unless it is a calendar date. */
export function checkListedDate(ctx: AnalysisContext, value: string, field: string): void {
  if (!DateTime.fromISO(value, { zone: ctx.timeZone }).isValid) {
    throw new ApiError('VALIDATION_FAILED', `"${value}" is not a date`, field);
  }
}
