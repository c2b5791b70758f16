// Builds: ESM + CJS + d.ts for bundlers, and a minified IIFE (window.Tally) for script tags.
import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { index: 'src/web/index.ts', core: 'src/core/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    minify: true,
    target: 'es2019',
  },
  {
    entry: { 'tally.iife': 'src/web/iife.ts' },
    format: ['iife'],
    minify: true,
    target: 'es2019',
    outExtension: () => ({ js: '.js' }),
  },
]);
