// SQL expressions for event and user properties. Preset properties are columns ($os -> os);
// custom properties are map lookups whose key is a bound parameter; the catalog's type decides
// whether a property lives in the string map or the numeric map. Never splices a name into SQL.
import type { PropertyType } from '../../catalog/known-names.ts';
import type { SqlParams } from './sql-params.ts';

/** Event preset properties stored as columns of `events`. */
export const EVENT_PRESET_COLUMNS: Readonly<Record<string, string>> = {
  $os: 'os',
  $os_version: 'os_version',
  $browser: 'browser',
  $browser_version: 'browser_version',
  $model: 'device_model',
  $device_type: 'device_type',
  $app_version: 'app_version',
  $lib: 'lib',
  $lib_version: 'lib_version',
  $channel: 'channel',
  $bank_code: 'bank_code',
  $branch_code: 'branch_code',
  $session_id: 'session_id',
};

/** User preset properties stored as columns of the current profile. */
export const USER_PRESET_COLUMNS: Readonly<Record<string, string>> = {
  $bank_code: 'bank_code',
  $branch_code: 'branch_code',
  $first_seen: 'first_seen',
  $last_seen: 'last_seen',
};
const USER_TIME_COLUMNS = new Set(['first_seen', 'last_seen']);

export type PropertySource = 'event' | 'user';

export interface PropertyRef {
  readonly source: PropertySource;
  readonly name: string;
  /** From the catalog (presets are strings). */
  readonly type: PropertyType;
}

export interface PropertySql {
  /** The value as text; '' where not set. */
  readonly text: string;
  /** The value as a number (numeric properties only). */
  readonly number: string | null;
  /** 1 where the property is set on the row. */
  readonly isSet: string;
}

/** Expressions for a property over alias `e` (events) or `u` (current profiles). */
export function propertySql(
  ref: PropertyRef,
  params: SqlParams,
  alias: string,
  timeZone?: string,
): PropertySql {
  const presets = ref.source === 'event' ? EVENT_PRESET_COLUMNS : USER_PRESET_COLUMNS;
  const column = presets[ref.name];
  if (column) {
    if (USER_TIME_COLUMNS.has(column)) {
      const tz = params.named('tz', timeZone ?? 'UTC', 'String');
      const text = `formatDateTime(${alias}.${column}, '%Y-%m-%d %H:%i:%S', ${tz})`;
      return { text, number: null, isSet: `(${alias}.${column} > toDateTime64(0, 3, 'UTC'))` };
    }
    return { text: `${alias}.${column}`, number: null, isSet: `(${alias}.${column} != '')` };
  }
  const key = params.add(ref.name, 'String');
  if (ref.type === 'number') {
    return {
      text: `if(mapContains(${alias}.num_props, ${key}), toString(${alias}.num_props[${key}]), '')`,
      number: `${alias}.num_props[${key}]`,
      isSet: `mapContains(${alias}.num_props, ${key})`,
    };
  }
  return {
    text: `${alias}.props[${key}]`,
    number: null,
    isSet: `mapContains(${alias}.props, ${key})`,
  };
}
