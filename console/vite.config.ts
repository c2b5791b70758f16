// Vite build of the console: React, one chunk per page (React.lazy in src/app/routes.tsx), and in
// `vite dev` the API proxied on the same origin so the session cookie (SameSite=Strict) works.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig(({ command }) => ({
  plugins: [react()],
  // A build is always the production build, even when started from a test runner that sets
  // NODE_ENV=test (which would otherwise bundle React's development build, ~60 KB more gzipped).
  ...(command === 'build' ? { define: { 'process.env.NODE_ENV': JSON.stringify('production') } } : {}),
  build: { outDir: 'dist', sourcemap: false, chunkSizeWarningLimit: 700 },
  server: { proxy: { '/v1': process.env.TALLY_API_URL ?? 'http://127.0.0.1:8700' } },
}));
