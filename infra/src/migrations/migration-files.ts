// Lists versioned migration files (NNNN_name.sql) in order. Shared by the ClickHouse and MySQL
// runners so both apply the same naming rule; never executes anything itself.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MigrationFile {
  readonly version: number;
  readonly name: string;
  /** Statements split on lines that end with `;` (files never put two statements on one line). */
  readonly statements: readonly string[];
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export function readMigrationFiles(dir: string): MigrationFile[] {
  const files: MigrationFile[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const match = FILE_PATTERN.exec(entry);
    if (!match) continue;
    const text = readFileSync(join(dir, entry), 'utf8');
    files.push({ version: Number(match[1]), name: match[2]!, statements: splitStatements(text) });
  }
  const seen = new Set<number>();
  for (const f of files) {
    if (seen.has(f.version)) throw new Error(`two migrations share version ${f.version} in ${dir}`);
    seen.add(f.version);
  }
  return files;
}

export function splitStatements(text: string): string[] {
  const withoutComments = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  return withoutComments
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
