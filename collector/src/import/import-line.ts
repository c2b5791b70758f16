// Maps one imported row onto Tally's wire format: a Tally wire-format line as it is, a
// Sensors-style line through the SA mapping (without live clock correction), a CSV record by
// its column names. Reads times (import-time.ts) and gives every line a uuid that a re-run of
// the same file reproduces. Never rejects on its own beyond shape: validation decides.
import type { Rejection } from '../batch/validate-event.ts';
import { canonicalJson, uuidV5 } from '../sensors/record-uuid.ts';
import { mapSaRecord } from '../sensors/sa-record.ts';
import { readImportTime } from './import-time.ts';

export type Dialect = 'auto' | 'tally' | 'sensors';

export interface LineMappingOptions {
  readonly appId: string;
  readonly timeZone: string;
  readonly receiveTime: number;
  readonly dialect: Dialect;
  /** Type of rows that name none (e.g. `profile_set` for a CSV of customer attributes). */
  readonly defaultType: string;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Types only Sensors Analytics has, and fields only its records carry. */
const SA_TYPES = new Set(['track_signup', 'track_id_bind', 'track_id_unbind']);
const SA_FIELDS = ['_track_id', '_flush_time', 'lib', 'anonymous_id', 'original_id', 'project', 'identities'];

export function isSensorsRecord(value: Obj): boolean {
  if (typeof value.type === 'string' && SA_TYPES.has(value.type)) return true;
  // `identities` exists in Tally's format too, but only on bind/unbind.
  return SA_FIELDS.some(
    (f) =>
      value[f] !== undefined && !(f === 'identities' && (value.type === 'bind' || value.type === 'unbind')),
  );
}

export interface MappedLine {
  readonly wire: Obj;
  /** False when the line had no identity of its own (no uuid, no _track_id): see occurrence. */
  readonly hasOwnIdentity: boolean;
}

export function mapImportLine(
  value: unknown,
  line: number,
  options: LineMappingOptions,
): MappedLine | Rejection {
  if (!isObject(value))
    return { index: line, code: 'EVENT_NOT_OBJECT', field: '', message: 'each line must be a JSON object' };
  const record: Obj = { ...value };
  if (record.type === undefined || record.type === '') record.type = options.defaultType;
  const sensors = options.dialect === 'sensors' || (options.dialect === 'auto' && isSensorsRecord(record));
  const ownTime = record.time !== undefined && record.time !== null;
  if (ownTime) record.time = readImportTime(record.time, options.timeZone);
  else {
    // Profile and identity operations may come without a time (they take the import time);
    // an event may not: null makes validation reject it, naming the field.
    const timeless = typeof record.type === 'string' && TIMELESS.test(record.type);
    record.time = timeless ? options.receiveTime : null;
  }
  // Derived from the line as written, never from defaults such as the import time.
  const contentUuid = uuidV5(`import\u0001${options.appId}\u0001${canonicalJson(value)}`);
  if (sensors) {
    const mapped = mapSaRecord(record, line, {
      appId: options.appId,
      receiveTime: options.receiveTime,
      clockCorrection: false,
      fieldPrefix: '',
    });
    if ('code' in mapped) return mapped;
    // `_track_id` with the record's own time gives the live endpoint's uuid for the same record.
    const own = ownTime && record._track_id !== undefined && record._track_id !== null;
    if (!own) mapped.wire.uuid = contentUuid;
    return { wire: mapped.wire, hasOwnIdentity: own };
  }
  const hasUuid = typeof record.uuid === 'string' && record.uuid !== '';
  if (!hasUuid) record.uuid = contentUuid;
  return { wire: record, hasOwnIdentity: hasUuid };
}

const TIMELESS = /^(profile_|bind$|unbind$|track_id_)/;

/**
 * The uuid of the n-th line (n from 0) with the same content and no identity of its own: the
 * first keeps its content uuid, later copies get one derived from it and n, so two genuinely
 * repeated lines are both kept and a re-run of the file gives the same uuids again.
 */
export function occurrenceUuid(contentUuid: string, occurrence: number): string {
  return occurrence === 0 ? contentUuid : uuidV5(`${contentUuid}#${occurrence}`);
}

/** A CSV record as a wire-format object: known columns at the top, `identities.x` columns as
 * identities, every other non-empty column a property (numbers typed unless `col:string`). */
export function csvRecordToObject(record: Readonly<Record<string, string>>): Obj {
  // Null prototypes: column names come from the file.
  const out: Obj = Object.create(null);
  const properties: Obj = Object.create(null);
  const identities: Obj = Object.create(null);
  for (const [header, raw] of Object.entries(record)) {
    if (raw === '' || raw === undefined) continue;
    const [name = '', kind] = header.split(':');
    if (TOP_LEVEL.has(name)) out[name] = raw;
    else if (name.startsWith('identities.')) identities[name.slice('identities.'.length)] = raw;
    else {
      const key = name.startsWith('properties.') ? name.slice('properties.'.length) : name;
      properties[key] = kind === 'string' ? raw : kind === 'number' || NUMBER.test(raw) ? Number(raw) : raw;
    }
  }
  if (Object.keys(properties).length > 0) out.properties = properties;
  if (Object.keys(identities).length > 0) out.identities = identities;
  return out;
}

const TOP_LEVEL = new Set([
  'type',
  'event',
  'uuid',
  'time',
  'distinct_id',
  'login_id',
  'session_id',
  'anonymous_id',
  'original_id',
  '_track_id',
]);
/** Plain decimal numbers only: ids like 00123 or 6222021234567890123 (too long) stay strings. */
const NUMBER = /^-?(0|[1-9]\d{0,14})(\.\d+)?$/;
