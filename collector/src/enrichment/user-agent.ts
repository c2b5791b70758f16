// Parses a User-Agent header into os / browser / device columns (ua-parser-js 1.x, MIT; 2.x is
// AGPL and must not be used here). One request carries one UA for all its events, and the same
// UAs recur constantly, so results are cached.
import { LRUCache } from 'lru-cache';
import { UAParser } from 'ua-parser-js';

export interface ParsedUserAgent {
  readonly os: string;
  readonly osVersion: string;
  readonly browser: string;
  readonly browserVersion: string;
  readonly deviceModel: string;
  readonly deviceType: string;
}

const EMPTY: ParsedUserAgent = {
  os: '',
  osVersion: '',
  browser: '',
  browserVersion: '',
  deviceModel: '',
  deviceType: '',
};
const cache = new LRUCache<string, ParsedUserAgent>({ max: 5_000 });

export function parseUserAgent(header: string | undefined): ParsedUserAgent {
  if (!header) return EMPTY;
  const ua = header.slice(0, 512);
  const hit = cache.get(ua);
  if (hit) return hit;
  const r = new UAParser(ua).getResult();
  const parsed: ParsedUserAgent = {
    os: r.os.name ?? '',
    osVersion: r.os.version ?? '',
    browser: r.browser.name ?? '',
    browserVersion: r.browser.version ?? '',
    deviceModel: r.device.model ?? '',
    // ua-parser leaves desktop browsers without a device type.
    deviceType: r.device.type ?? (r.os.name ? 'desktop' : ''),
  };
  cache.set(ua, parsed);
  return parsed;
}
