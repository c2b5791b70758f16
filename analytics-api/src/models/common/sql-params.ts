// Collects the bound parameters of one analysis query. Builders call `add(value, type)` and splice
// only the returned `{pN:Type}` placeholder into SQL text, never the value itself, so the logged
// SQL stays readable and a caller's string can never become SQL.
export class SqlParams {
  readonly values: Record<string, unknown> = {};
  private next = 0;

  add(value: unknown, type: string): string {
    const name = `p${this.next++}`;
    this.values[name] = value;
    return `{${name}:${type}}`;
  }

  /** A named parameter shared by several fragments (the app id, the zone). */
  named(name: string, value: unknown, type: string): string {
    this.values[name] = value;
    return `{${name}:${type}}`;
  }
}
