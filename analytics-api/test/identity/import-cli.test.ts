// `pnpm import:profiles` as an operator runs it: a separate process with the API's environment,
// against the embedded stack's databases. Checks the summary, the exit codes, the imported
// profile, the audit entry, and that a second run of the same file changes nothing.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type EmbeddedStack, startEmbeddedStack } from '@tally/testbed/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personId, profilesOf } from './support/pipeline.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
let stack: EmbeddedStack;
let env: Record<string, string>;

beforeAll(async () => {
  stack = await startEmbeddedStack();
  // The databases the stack's collector uses, as the API would be configured.
  const collectorEnv = Object.fromEntries(
    readFileSync(`/proc/${stack.collector().pid}/environ`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  env = { ...collectorEnv, TALLY_SECRET_KEY: randomBytes(32).toString('base64') };
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('pnpm', ['--silent', 'import:profiles', ...args], {
      cwd: ROOT,
      env,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('pnpm import:profiles', () => {
  it('imports a file once, reports the rejected line, and audits the run', async () => {
    const file = join(stack.dir, 'core-export.csv');
    writeFileSync(
      file,
      'customer_id,bank_code,age_band,customer_level:number\nCLI-1,B001,30-39,2\nCLI-2,B001,40-49,two\n',
    );
    const first = await run(['--app', stack.appId, '--file', file]);
    expect(first.code, first.stderr).toBe(1);
    expect(JSON.parse(first.stdout)).toEqual({
      lines: 2,
      applied: 1,
      unchanged: 0,
      rejectedCount: 1,
      rejected: [{ line: 3, field: 'customer_level:number', rule: 'must be a number' }],
    });
    const [p] = await profilesOf(stack, [await personId(stack, 'customer', 'CLI-1')]);
    expect([p?.bank_code, p?.props.age_band, p?.num_props.customer_level]).toEqual(['B001', '30-39', 2]);
    const second = await run(['--app', stack.appId, '--file', file]);
    expect(JSON.parse(second.stdout)).toMatchObject({ applied: 0, unchanged: 1, rejectedCount: 1 });
    const [audit] = await stack.metadata.pool.query(
      "SELECT actor_kind, details FROM audit_log WHERE action = 'profile.import' ORDER BY id",
    );
    const entries = audit as Array<{ actor_kind: string; details: unknown }>;
    expect(entries.map((e) => e.actor_kind)).toEqual(['system', 'system']);
    const details = entries.map((e) => (typeof e.details === 'string' ? JSON.parse(e.details) : e.details));
    expect(details.map((d) => [d.applied, d.unchanged, d.rejected])).toEqual([
      [1, 0, 1],
      [0, 1, 1],
    ]);
  }, 120_000);

  it('exits 2 with a usage line when arguments are missing', async () => {
    const result = await run(['--app', stack.appId]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('usage: pnpm import:profiles');
  }, 60_000);
});
