// Tells whether a failed ClickHouse query hit one of the limits the runner sets (time, memory,
// estimated slowness), so the caller gets 422 QUERY_TOO_EXPENSIVE instead of a 500. The HTTP
// client moves the engine's "Code: N" out of the message into `error.code` (and the name into
// `error.type`), so both the structured fields and the raw text are checked.
const LIMIT_CODES = new Set(['159', '160', '241']); // TIMEOUT_EXCEEDED, TOO_SLOW, MEMORY_LIMIT_EXCEEDED
const LIMIT_NAMES = /\b(TIMEOUT_EXCEEDED|MEMORY_LIMIT_EXCEEDED|TOO_SLOW)\b|Code: (159|160|241)\b/;

export function isQueryLimitError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, type, message } = error as { code?: unknown; type?: unknown; message?: unknown };
  if (LIMIT_CODES.has(String(code))) return true;
  return LIMIT_NAMES.test(`${String(type ?? '')} ${String(message ?? '')}`);
}
