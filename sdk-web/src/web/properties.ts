// The preset properties the web SDK collects automatically, and ONLY these (the README lists
// them; "minimum necessary"). Browser and OS are derived server-side from the User-Agent header.
import type { PropertyValue } from '../core/types.ts';
import { VERSION } from './version.ts';

/** Fixed per-library properties. */
export function libProperties(): Record<string, PropertyValue> {
  return { $lib: 'tally-web', $lib_version: VERSION, $channel: 'web' };
}

/** Properties read from the page at the time of each event. */
export function pageProperties(): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = {};
  if (typeof location !== 'undefined') out.$url = location.href;
  if (typeof document !== 'undefined') {
    out.$title = document.title;
    if (document.referrer) out.$referrer = document.referrer;
  }
  if (typeof screen !== 'undefined') {
    out.$screen_width = screen.width;
    out.$screen_height = screen.height;
  }
  if (typeof navigator !== 'undefined' && navigator.language) out.$language = navigator.language;
  return out;
}
