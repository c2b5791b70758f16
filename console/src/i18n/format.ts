// Locale formatting: numbers (万 / 亿 in Chinese, K / M in English, as operations staff read
// them), percentages, durations and instants in the user's time zone. Pure functions; the
// language comes from the caller.
export type Lang = 'zh-CN' | 'en';

/** The browser's IANA zone: analyses cut days there, and instants are shown there. */
export const userTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'Asia/Shanghai';

const trim = (n: number, digits: number) =>
  Number(n.toFixed(digits)).toLocaleString('en', { maximumFractionDigits: digits });

/** Compact for charts and cards: 12.35万, 1.2亿 / 123.5K, 1.2M. Small numbers keep 2 decimals. */
export function formatCompact(value: number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  const abs = Math.abs(value);
  if (lang === 'zh-CN') {
    if (abs >= 1e8) return `${trim(value / 1e8, 2)}亿`;
    if (abs >= 1e4) return `${trim(value / 1e4, 2)}万`;
  } else {
    if (abs >= 1e9) return `${trim(value / 1e9, 2)}B`;
    if (abs >= 1e6) return `${trim(value / 1e6, 2)}M`;
    if (abs >= 1e4) return `${trim(value / 1e3, 1)}K`;
  }
  return formatExact(value, lang);
}

/** Exact for tables (what the e2e test compares with the API): grouping, at most 2 decimals. */
export function formatExact(value: number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return value.toLocaleString(lang, { maximumFractionDigits: 2 });
}

export function formatPercent(ratio: number | null | undefined, lang: Lang): string {
  if (ratio === null || ratio === undefined || Number.isNaN(ratio)) return '–';
  return `${(ratio * 100).toLocaleString(lang, { maximumFractionDigits: 1 })}%`;
}

/** A relative change with its sign (+12.3% / -4%): a rise must not read like a level. */
export function formatChange(ratio: number | null | undefined, lang: Lang): string {
  if (ratio === null || ratio === undefined || Number.isNaN(ratio)) return '–';
  return `${ratio > 0 ? '+' : ''}${formatPercent(ratio, lang)}`;
}

export function formatSeconds(seconds: number | null | undefined, lang: Lang): string {
  if (seconds === null || seconds === undefined) return '–';
  const zh = lang === 'zh-CN';
  if (seconds < 60) return `${Math.round(seconds)}${zh ? '秒' : 's'}`;
  if (seconds < 3600) return `${(seconds / 60).toFixed(1)}${zh ? '分钟' : ' min'}`;
  if (seconds < 86400) return `${(seconds / 3600).toFixed(1)}${zh ? '小时' : ' h'}`;
  return `${(seconds / 86400).toFixed(1)}${zh ? '天' : ' d'}`;
}

/** An ISO instant in the user's zone, e.g. 2026/11/23 09:41. */
export function formatInstant(iso: string, lang: Lang): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(lang, { dateStyle: 'short', timeStyle: 'short', timeZone: userTimeZone() });
}
