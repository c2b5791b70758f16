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
  // Always the production build: a test runner sets NODE_ENV=test, which would make Vite compile
  // development JSX and bundle React's development build (both must agree, or the page is blank).
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root, logLevel: 'warn', configFile: join(root, 'vite.config.ts') });
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
  log(`[console] built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
