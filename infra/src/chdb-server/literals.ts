// Text conversions at the HTTP boundary of the chdb server. A `param_*` value (escaped text, as
// the client sent it) is quoted as a ClickHouse string literal for `SET param_x = '...'`: that
// statement is the engine's own parameter binding, and the engine parses the value as the
// placeholder's declared type, never as SQL.

/** A ClickHouse single-quoted string literal holding `value` exactly. */
export function stringLiteral(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\0/g, '\\0')}'`;
}

/** Setting values are numbers or short words; anything else is quoted as a string. */
export function settingLiteral(value: string): string {
  return /^-?\d+(\.\d+)?$/.test(value) ? value : stringLiteral(value);
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const isIdentifier = (name: string): boolean => IDENTIFIER.test(name);

/** Names of `{name:Type}` placeholders in a statement (over-approximates inside string literals). */
export function placeholderNames(sql: string): Set<string> {
  const names = new Set<string>();
  for (const match of sql.matchAll(/\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:/g)) names.add(match[1]!);
  return names;
}
