// Builds the console with Vite when dist/ is missing or older than any source file, so `npm
// start` always serves what is checked out. Never builds while serving: it runs before listen.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    // The server's own files do not end up in the bundle.
    if (entry === 'server') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** True when dist/index.html is missing or older than src/, index.html, vite.config.ts. */
export function isStale(root: string): boolean {
  const built = join(root, 'dist', 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const inputs = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((p) => join(root, p));
  return inputs.some((p) => existsSync(p) && newestMtime(p) > builtAt);
}

export async function ensureBuilt(root: string, log: (line: string) => void = console.log): Promise<void> {
  if (!isStale(root)) return;
  log('[console] building assets with vite ...');
  const started = Date.now();
  const { build } = await import('vite');
  await build({ root, logLevel: 'warn', configFile: join(root, 'vite.config.ts') });
  log(`[console] built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
