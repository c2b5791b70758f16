// Environment of the standalone chdb server process (main.ts); the only place it is read.
import { resolve } from 'node:path';
import type { ChdbServerOptions } from './server.ts';

export function loadChdbServerConfig(env: NodeJS.ProcessEnv = process.env): ChdbServerOptions {
  const dataDir = env.CHDB_DATA_DIR;
  if (!dataDir) throw new Error('CHDB_DATA_DIR is required: the folder that holds the engine data');
  const number = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0)
      throw new Error(`${name} must be a whole number, got "${raw}"`);
    return value;
  };
  const password = env.CHDB_PASSWORD;
  if (!password) throw new Error('CHDB_PASSWORD is required: the engine never runs without a password');
  return Object.freeze({
    dataDir: resolve(dataDir),
    host: env.CHDB_HOST ?? '127.0.0.1',
    port: number('CHDB_PORT', 8123),
    user: env.CHDB_USER ?? 'tally',
    password,
    database: env.CHDB_DATABASE ?? 'tally',
    sessions: number('CHDB_SESSIONS', 4),
    fsyncAfterInsert: env.CHDB_FSYNC === '1',
  });
}
