// One filter -> one SQL condition over events (alias e) or current profiles (alias u).
// Values are bound parameters; a value that does not fit the operator (text for a numeric range)
// is refused with the filter's field path, never coerced into something the caller did not ask.
import { ApiError } from '../../errors/catalogue.ts';
import type { NameResolver } from './name-resolver.ts';
import { propertySql } from './property-sql.ts';
import type { Filter } from './query-schema.ts';
import type { SqlParams } from './sql-params.ts';

const NUMERIC_OPS = new Set(['gt', 'gte', 'lt', 'lte', 'between']);
/** A year, month, day, or a day with hours[:minutes[:seconds]], as ISO text orders them. */
const ISO_DATE_PREFIX = /^\d{4}(-\d{2}(-\d{2}([ T]\d{2}(:\d{2}(:\d{2})?)?)?)?)?$/;

function numbers(filter: Filter, field: string, count?: number): number[] {
  const values = filter.values ?? [];
  const out = values.map((v) => (typeof v === 'number' ? v : Number(v)));
  if (out.length === 0 || out.some((v) => !Number.isFinite(v))) {
    throw new ApiError('FILTER_INVALID', `"${filter.op}" needs numbers in values`, `${field}.values`);
  }
  if (count !== undefined && out.length !== count) {
    throw new ApiError('FILTER_INVALID', `"${filter.op}" needs exactly ${count} values`, `${field}.values`);
  }
  return out;
}

function texts(filter: Filter, field: string): string[] {
  const values = filter.values ?? [];
  if (values.length === 0) {
    throw new ApiError('FILTER_INVALID', `"${filter.op}" needs at least one value`, `${field}.values`);
  }
  return values.map((v) => String(v));
}

/** SQL condition for `filter`; `field` names it in errors (e.g. "filters[2]"). */
export function filterSql(
  filter: Filter,
  field: string,
  names: NameResolver,
  params: SqlParams,
  timeZone: string,
): string {
  const source = filter.source ?? 'event';
  const ref = names.property(source, filter.property, `${field}.property`);
  const alias = source === 'event' ? 'e' : 'u';
  const p = propertySql(ref, params, alias, timeZone);
  const numeric = p.number !== null;
  if (NUMERIC_OPS.has(filter.op) && !numeric) {
    throw new ApiError(
      'FILTER_INVALID',
      `"${filter.property}" is not numeric; "${filter.op}" needs a number`,
      field,
    );
  }
  switch (filter.op) {
    case 'is_set':
      return p.isSet;
    case 'not_set':
      return `NOT ${p.isSet}`;
    case 'eq':
    case 'in':
      return `(${p.isSet} AND ${equalsAny(filter, field, p, params)})`;
    case 'neq':
    case 'not_in':
      return `NOT (${p.isSet} AND ${equalsAny(filter, field, p, params)})`;
    case 'contains':
    case 'not_contains': {
      const any = texts(filter, field)
        .map((v) => `positionUTF8(${p.text}, ${params.add(v, 'String')}) > 0`)
        .join(' OR ');
      const cond = `(${p.isSet} AND (${any}))`;
      return filter.op === 'contains' ? cond : `NOT ${cond}`;
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const [v] = numbers(filter, field, 1);
      const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[filter.op];
      return `(${p.isSet} AND ${p.number} ${op} ${params.add(v, 'Float64')})`;
    }
    case 'between': {
      const [lo, hi] = numbers(filter, field, 2) as [number, number];
      return `(${p.isSet} AND ${p.number} BETWEEN ${params.add(lo, 'Float64')} AND ${params.add(hi, 'Float64')})`;
    }
    case 'before':
    case 'after': {
      const values = texts(filter, field);
      if (values.length !== 1) {
        throw new ApiError('FILTER_INVALID', `"${filter.op}" needs exactly 1 value`, `${field}.values`);
      }
      if (!ISO_DATE_PREFIX.test(values[0] as string)) {
        throw new ApiError(
          'FILTER_INVALID',
          `"${filter.op}" needs a date or date-time such as 2026-03-02 or 2026-03-02 08:30:00`,
          `${field}.values`,
        );
      }
      // ISO text orders like time, and a shorter value names a whole period: "before
      // 2026-03-02" ends when that day starts, "after" it starts when the day ends (a later text
      // with the value as its prefix is inside the day, not after it).
      const bound = params.add(values[0], 'String');
      return filter.op === 'before'
        ? `(${p.isSet} AND ${p.text} < ${bound})`
        : `(${p.isSet} AND ${p.text} > ${bound} AND NOT startsWith(${p.text}, ${bound}))`;
    }
  }
}

function equalsAny(
  filter: Filter,
  field: string,
  p: ReturnType<typeof propertySql>,
  params: SqlParams,
): string {
  if (p.number !== null) {
    return `${p.number} IN ${params.add(numbers(filter, field), 'Array(Float64)')}`;
  }
  return `${p.text} IN ${params.add(texts(filter, field), 'Array(String)')}`;
}

/** AND of every filter; '1' when there are none. */
export function filtersSql(
  filters: readonly Filter[] | undefined,
  field: string,
  names: NameResolver,
  params: SqlParams,
  timeZone: string,
): string {
  if (!filters || filters.length === 0) return '1';
  return filters.map((f, i) => filterSql(f, `${field}[${i}]`, names, params, timeZone)).join(' AND ');
}
