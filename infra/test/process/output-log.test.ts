// A child's stdout and stderr share one log file: output written to stderr after stdout has
// closed must still reach the file, and must not throw "write after end" in the parent.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logChildOutput } from '../../src/process/output-log.ts';

const dir = mkdtempSync(join(tmpdir(), 'tally-output-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('logChildOutput', () => {
  it('keeps what the child writes to stderr after its stdout has closed', async () => {
    const file = join(dir, 'child.log');
    // Closes fd 1 after one line, then writes to stderr 200 ms later (a server logging its
    // shutdown after its stdout is gone).
    const child = spawn(
      process.execPath,
      [
        '-e',
        "process.stdout.write('out line\\n', () => { require('fs').closeSync(1); setTimeout(() => process.stderr.write('late err line\\n'), 200); });",
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const uncaught: Error[] = [];
    const onUncaught = (error: Error) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const log = logChildOutput(child, file);
      await new Promise<void>((resolve) => log.once('finish', () => resolve()));
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([]);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('out line');
    expect(text).toContain('late err line');
  });
});
