// Vite build of the console: React, one chunk per page (React.lazy in src/app/routes.tsx), and in
// `vite dev` the API proxied on the same origin so the session cookie (SameSite=Strict) works.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', sourcemap: false, chunkSizeWarningLimit: 700 },
  server: { proxy: { '/v1': process.env.TALLY_API_URL ?? 'http://127.0.0.1:8700' } },
});
