// Maps one Sensors Analytics record onto one event of Tally's wire format (the /v1/batch shape),
// which then goes through the same validation as every SDK event. It decides who the record is
// about (device id and login id from distinct_id / anonymous_id / login_id / identities /
// original_id), its type, event name, time and a deterministic uuid. Never validates values
// itself beyond what the mapping needs, and never throws on hostile shapes.
import type { Rejection } from '../batch/validate-event.ts';
import { canonicalJson, uuidV5 } from './record-uuid.ts';
import {
  CHANNEL_BY_SA_LIB,
  DEVICE_IDENTITY_KEYS,
  EVENT_NAME_BY_SA,
  LOGIN_EVENT,
  LOGIN_IDENTITY_KEY,
  tallyLib,
} from './sa-presets.ts';

export interface SaMappingOptions {
  readonly appId: string;
  readonly receiveTime: number;
  /** Live traffic: correct `time` by receive time - `_flush_time`. Imports keep times as written. */
  readonly clockCorrection: boolean;
  /** Prefix of rejection field paths (`records` gives `records[3].event`; '' gives `event`). */
  readonly fieldPrefix: string;
}

const PROFILE_TYPES = new Set([
  'profile_set',
  'profile_set_once',
  'profile_increment',
  'profile_append',
  'profile_unset',
  'profile_delete',
]);

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function mapSaRecord(
  raw: unknown,
  index: number,
  options: SaMappingOptions,
): { wire: Obj } | Rejection {
  const reject = (code: string, field: string, message: string): Rejection => ({
    index,
    code,
    field: options.fieldPrefix ? `${options.fieldPrefix}[${index}]${field ? `.${field}` : ''}` : field,
    message,
  });
  if (!isObject(raw)) return reject('EVENT_NOT_OBJECT', '', 'each record must be a JSON object');
  const saType = raw.type ?? 'track';
  if (typeof saType !== 'string') return reject('SA_TYPE_UNSUPPORTED', 'type', 'type must be a string');

  // Null prototype: keys come from the client (a "__proto__" key stays a plain key and is then
  // refused by validation).
  const props: Obj = Object.create(null);
  if (isObject(raw.properties)) Object.assign(props, raw.properties);
  const identities: Obj = isObject(raw.identities) ? raw.identities : {};

  // Library and channel: the JS SDK puts them in both `lib` and `properties`.
  const lib = isObject(raw.lib) ? raw.lib : {};
  for (const key of ['$lib', '$lib_version', '$app_version']) {
    if (props[key] === undefined && typeof lib[key] === 'string') props[key] = lib[key];
  }
  if (typeof props.$lib === 'string') {
    if (props.$channel === undefined && CHANNEL_BY_SA_LIB[props.$lib])
      props.$channel = CHANNEL_BY_SA_LIB[props.$lib];
    props.$lib = tallyLib(props.$lib);
  }
  // SA durations are seconds; Tally's $event_duration is milliseconds.
  if (typeof props.event_duration === 'number' && props.$event_duration === undefined) {
    props.$event_duration = Math.round(props.event_duration * 1000);
    delete props.event_duration;
  }
  const loggedInBySdk = props.$is_login_id === true;
  delete props.$is_login_id;

  // Who: Tally's distinct_id is the device (anonymous) id, login_id the customer id.
  const saDistinct = str(raw.distinct_id);
  let loginId =
    str(raw.login_id) ?? str(identities[LOGIN_IDENTITY_KEY]) ?? (loggedInBySdk ? saDistinct : undefined);
  let deviceId = str(raw.anonymous_id) ?? DEVICE_IDENTITY_KEYS.map((k) => str(identities[k])).find(Boolean);

  const wire: Obj = { properties: props };
  if (saType === 'track') {
    wire.type = 'track';
    wire.event = typeof raw.event === 'string' ? (EVENT_NAME_BY_SA[raw.event] ?? raw.event) : raw.event;
  } else if (saType === 'track_signup') {
    // SA login: distinct_id is the new login id, original_id the anonymous id it replaces.
    loginId = saDistinct;
    deviceId = str(raw.original_id) ?? deviceId;
    if (!loginId)
      return reject('DISTINCT_ID_INVALID', 'distinct_id', 'track_signup needs the login id in distinct_id');
    if (!deviceId)
      return reject(
        'SA_ORIGINAL_ID_MISSING',
        'original_id',
        'track_signup needs original_id (the anonymous id)',
      );
    wire.type = 'track';
    wire.event = LOGIN_EVENT;
  } else if (saType === 'track_id_bind' || saType === 'track_id_unbind') {
    const extra: Obj = {};
    for (const [k, v] of Object.entries(identities)) {
      if (k !== LOGIN_IDENTITY_KEY && !(DEVICE_IDENTITY_KEYS as readonly string[]).includes(k)) extra[k] = v;
    }
    if (Object.keys(extra).length === 0) {
      return reject(
        'IDENTITIES_INVALID',
        'identities',
        `${saType} needs an identity besides the device and login ids, e.g. {"$identity_mobile": "..."}`,
      );
    }
    wire.type = saType === 'track_id_bind' ? 'bind' : 'unbind';
    wire.identities = extra;
  } else if (PROFILE_TYPES.has(saType)) {
    wire.type = saType;
    if (saType === 'profile_delete') wire.properties = {};
  } else {
    return reject(
      'SA_TYPE_UNSUPPORTED',
      'type',
      'supported types: track, track_signup, track_id_bind, track_id_unbind, profile_set, profile_set_once, profile_increment, profile_append, profile_unset, profile_delete',
    );
  }
  wire.distinct_id = deviceId ?? saDistinct ?? raw.distinct_id;
  if (loginId) wire.login_id = loginId;

  // When: SA times are ms; `_flush_time` is the client clock at sending (like Tally's sent_at).
  const time = raw.time === undefined ? options.receiveTime : raw.time;
  const flush = raw._flush_time;
  const skew =
    options.clockCorrection && typeof flush === 'number' && Number.isFinite(flush) && flush > 0
      ? options.receiveTime - flush
      : 0;
  wire.time = typeof time === 'number' ? time + skew : time;

  // Identity of the record: SA has no uuid, but `_track_id` is fixed when the record is created
  // and kept across the SDK's retries; without it the record's content stands in.
  const trackId = raw._track_id;
  const seed = [
    options.appId,
    saType,
    canonicalJson(raw.event ?? null),
    canonicalJson(raw.distinct_id ?? null),
    canonicalJson(raw.time ?? null),
    trackId === undefined || trackId === null
      ? canonicalJson({ p: raw.properties ?? null, i: raw.identities ?? null, o: raw.original_id ?? null })
      : canonicalJson(trackId),
  ].join('\u0001');
  wire.uuid = uuidV5(seed);
  return { wire };
}
