// Checks one event of a batch against the wire format, independently of the others, and says
// exactly what is wrong (code, field path, rule). Hand-written rather than schema-compiled: it
// runs 50,000 times a second and must also survive hostile shapes (prototype keys, huge arrays,
// NaN) without throwing. Never mutates its input.
import {
  EVENT_TYPES,
  type EventType,
  FORBIDDEN_KEYS,
  LIMITS,
  NAME_PATTERN,
  UUID_PATTERN,
} from './event-rules.ts';

export type PropertyValue = string | number | boolean | string[];

export interface ValidEvent {
  readonly type: EventType;
  readonly event: string;
  readonly uuid: string | null;
  readonly time: number;
  readonly distinctId: string;
  readonly loginId: string;
  readonly sessionId: string;
  readonly properties: ReadonlyMap<string, PropertyValue>;
  readonly identities: ReadonlyMap<string, string>;
}

export interface Rejection {
  readonly index: number;
  readonly code: string;
  readonly field: string;
  readonly message: string;
}

const TYPE_SET = new Set<string>(EVENT_TYPES);
const utf8Length = (s: string) =>
  s.length * 3 <= LIMITS.maxStringBytes ? s.length : Buffer.byteLength(s, 'utf8');

export function validateEvent(raw: unknown, index: number): ValidEvent | Rejection {
  const at = (field: string) => `events[${index}]${field ? `.${field}` : ''}`;
  const reject = (code: string, field: string, message: string): Rejection => ({
    index,
    code,
    field: at(field),
    message,
  });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return reject('EVENT_NOT_OBJECT', '', 'each event must be a JSON object');
  const e = raw as Record<string, unknown>;

  const type = e.type ?? 'track';
  if (typeof type !== 'string' || !TYPE_SET.has(type)) {
    return reject('EVENT_TYPE_INVALID', 'type', `type must be one of ${EVENT_TYPES.join(', ')}`);
  }
  let event = '';
  if (type === 'track') {
    if (typeof e.event !== 'string' || e.event === '')
      return reject('EVENT_NAME_MISSING', 'event', 'a track event needs a name');
    if (!NAME_PATTERN.test(e.event)) {
      return reject(
        'EVENT_NAME_INVALID',
        'event',
        'event names start with a letter, _ or $ and use letters, digits, _ $ . (at most 100)',
      );
    }
    event = e.event;
  }
  let uuid: string | null = null;
  if (e.uuid !== undefined && e.uuid !== null) {
    if (typeof e.uuid !== 'string' || !UUID_PATTERN.test(e.uuid))
      return reject('UUID_INVALID', 'uuid', 'uuid must be a UUID string');
    uuid = e.uuid.toLowerCase();
  }
  if (typeof e.time !== 'number' || !Number.isFinite(e.time) || e.time <= 0) {
    return reject('TIME_INVALID', 'time', 'time must be milliseconds since the epoch (a positive number)');
  }
  const distinctId = checkId(e.distinct_id);
  if (distinctId === null)
    return reject(
      'DISTINCT_ID_INVALID',
      'distinct_id',
      `distinct_id must be a string of 1-${LIMITS.idMaxLength} characters`,
    );
  let loginId = '';
  if (e.login_id !== undefined && e.login_id !== null && e.login_id !== '') {
    const id = checkId(e.login_id);
    if (id === null)
      return reject(
        'LOGIN_ID_INVALID',
        'login_id',
        `login_id must be a string of 1-${LIMITS.idMaxLength} characters`,
      );
    loginId = id;
  }
  let sessionId = '';
  if (e.session_id !== undefined && e.session_id !== null && e.session_id !== '') {
    const id = checkId(e.session_id);
    if (id === null)
      return reject(
        'SESSION_ID_INVALID',
        'session_id',
        `session_id must be a string of 1-${LIMITS.idMaxLength} characters`,
      );
    sessionId = id;
  }

  const properties = new Map<string, PropertyValue>();
  if (e.properties !== undefined && e.properties !== null) {
    if (typeof e.properties !== 'object' || Array.isArray(e.properties)) {
      return reject('PROPERTIES_NOT_OBJECT', 'properties', 'properties must be a JSON object');
    }
    const props = e.properties as Record<string, unknown>;
    const keys = Object.keys(props);
    if (keys.length > LIMITS.maxProperties) {
      return reject(
        'TOO_MANY_PROPERTIES',
        'properties',
        `at most ${LIMITS.maxProperties} properties per event`,
      );
    }
    for (const key of keys) {
      if (!NAME_PATTERN.test(key) || FORBIDDEN_KEYS.has(key)) {
        return reject(
          'PROPERTY_NAME_INVALID',
          `properties.${key.slice(0, 100)}`,
          'property names follow the event name rule and may not be __proto__/constructor/prototype',
        );
      }
      const checked = checkValue(props[key]);
      if (typeof checked === 'object' && checked !== null && 'problem' in checked) {
        return reject(checked.code, `properties.${key}`, checked.problem);
      }
      if (checked !== undefined) properties.set(key, checked as PropertyValue);
    }
  }

  const identities = new Map<string, string>();
  if (type === 'bind' || type === 'unbind') {
    const ids = e.identities;
    if (typeof ids !== 'object' || ids === null || Array.isArray(ids)) {
      return reject(
        'IDENTITIES_INVALID',
        'identities',
        'bind/unbind need an identities object, e.g. {"union_customer_no": "U1"}',
      );
    }
    const entries = Object.entries(ids as Record<string, unknown>);
    if (entries.length === 0 || entries.length > LIMITS.maxIdentities) {
      return reject('IDENTITIES_INVALID', 'identities', `between 1 and ${LIMITS.maxIdentities} identities`);
    }
    for (const [k, v] of entries) {
      const value = checkId(v);
      if (!NAME_PATTERN.test(k) || FORBIDDEN_KEYS.has(k) || value === null) {
        return reject(
          'IDENTITIES_INVALID',
          `identities.${k.slice(0, 100)}`,
          'identity types follow the name rule; values are strings of 1-200 characters',
        );
      }
      identities.set(k, value);
    }
  }
  return {
    type: type as EventType,
    event,
    uuid,
    time: e.time,
    distinctId,
    loginId,
    sessionId,
    properties,
    identities,
  };
}

function checkId(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= LIMITS.idMaxLength ? value : null;
}

type Checked = PropertyValue | undefined | { code: string; problem: string };

function checkValue(value: unknown): Checked {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') {
    return utf8Length(value) <= LIMITS.maxStringBytes
      ? value
      : {
          code: 'PROPERTY_VALUE_TOO_LONG',
          problem: `string values are at most ${LIMITS.maxStringBytes} bytes`,
        };
  }
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? value
      : { code: 'PROPERTY_VALUE_INVALID', problem: 'numbers must be finite' };
  }
  if (typeof value === 'boolean') return value;
  if (Array.isArray(value)) {
    if (value.length > LIMITS.maxArrayItems) {
      return { code: 'PROPERTY_VALUE_INVALID', problem: `arrays hold at most ${LIMITS.maxArrayItems} items` };
    }
    for (const item of value) {
      if (typeof item !== 'string' || utf8Length(item) > LIMITS.maxStringBytes) {
        return { code: 'PROPERTY_VALUE_INVALID', problem: 'arrays may only hold strings' };
      }
    }
    return value as string[];
  }
  return {
    code: 'PROPERTY_VALUE_INVALID',
    problem: 'values are strings, finite numbers, booleans, null or arrays of strings (no nested objects)',
  };
}
