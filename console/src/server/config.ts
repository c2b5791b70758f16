// The console server's configuration, read from the environment once at start and frozen.
// Nothing else in the server reads process.env.
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ConsoleConfig {
  readonly port: number;
  readonly host: string;
  /** Where /v1/* and /openapi.json are forwarded (the analytics API). */
  readonly apiUrl: URL;
  /**
   * Local address the proxy connects to the API from (TALLY_API_SOURCE_ADDRESS), so the API can
   * trust X-Forwarded-For from this server only (its TRUST_PROXY lists this address) even when
   * the API is reachable from the same host. Unset: the system picks the address.
   */
  readonly apiSourceAddress?: string;
  /** The console package folder (vite root); dist/ below it holds the built assets. */
  readonly root: string;
}

export const CONSOLE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function loadConsoleConfig(env: NodeJS.ProcessEnv = process.env): ConsoleConfig {
  const port = Number(env.PORT ?? 8800);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const source = env.TALLY_API_SOURCE_ADDRESS?.trim() || undefined;
  if (source !== undefined && isIP(source) === 0)
    throw new Error(`TALLY_API_SOURCE_ADDRESS must be an IP address of this host, got ${source}`);
  return Object.freeze({
    port,
    host: env.HOST ?? '127.0.0.1',
    apiUrl: new URL(env.TALLY_API_URL ?? 'http://127.0.0.1:8700'),
    ...(source ? { apiSourceAddress: source } : {}),
    root: CONSOLE_ROOT,
  });
}
