// Fails the build when the script-tag bundle exceeds the 10 KB min+gzip budget; prints sizes.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 10 * 1024;
let failed = false;
for (const file of ['dist/tally.iife.js', 'dist/index.js', 'dist/core.js']) {
  const size = gzipSync(readFileSync(new URL(`../${file}`, import.meta.url))).length;
  console.log(`${file}: ${(size / 1024).toFixed(2)} KB min+gzip (budget ${BUDGET / 1024} KB)`);
  if (size > BUDGET) failed = true;
}
if (failed) {
  console.error('size budget exceeded');
  process.exit(1);
}
