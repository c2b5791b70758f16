// Reads the event time of an imported line: epoch milliseconds (or seconds, when the number is
// too small to be milliseconds of this century), ISO 8601 with a zone, or Sensors-style local
// "YYYY-MM-DD HH:mm:ss[.SSS]" taken in the app's time zone. Returns the value unchanged when it
// cannot read it, so that validation names the field and the rule. Never guesses a zone other
// than the app's.

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;
const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;
/** Below this an epoch number is read as seconds (1e11 ms is March 1973). */
const SECONDS_BELOW = 1e11;

export function readImportTime(value: unknown, timeZone: string): unknown {
  if (typeof value === 'number')
    return Number.isFinite(value) && value < SECONDS_BELOW ? value * 1000 : value;
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return readImportTime(Number(text), timeZone);
  const local = LOCAL.exec(text);
  if (local) {
    const [, y, mo, d, h, mi, s, ms] = local;
    const wall = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +(s ?? 0), +(ms ?? 0).toString().padEnd(3, '0'));
    return wall - zoneOffsetMs(wall, timeZone);
  }
  if (HAS_ZONE.test(text)) {
    const parsed = Date.parse(text);
    return Number.isFinite(parsed) ? parsed : value;
  }
  return value;
}

/** Offset of `timeZone` from UTC at about `utcMs` (exact except within an hour of a DST change). */
function zoneOffsetMs(utcMs: number, timeZone: string): number {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = formatFor(timeZone).formatToParts(new Date(utcMs));
  } catch {
    return 0; // an app without a valid zone, or a date out of range (then rejected as a time)
  }
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, format);
  }
  return format;
}
