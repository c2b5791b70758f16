// Runs a one-shot TypeScript script (demo loader, imports) to completion with its output shown
// to the operator, failing loudly on a non-zero exit.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const tsxLoader = createRequire(import.meta.url).resolve('tsx');

export function runScript(entry: string, env: Record<string, string>, cwd?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsxLoader, entry], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${entry} exited with code ${code}`)),
    );
  });
}
