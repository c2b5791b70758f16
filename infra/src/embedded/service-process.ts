// Runs one Tally service (a TypeScript entry file) as a child process, the way the embedded
// deployment and the integration tests need it: environment in, output to a log file (or the
// parent's stderr), ready once an HTTP URL answers. Used for the collector, the ingestion worker
// and the API; never decides configuration itself.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { logChildOutput } from '../process/output-log.ts';

export interface ServiceProcessOptions {
  readonly name: string;
  /** Absolute path of the TypeScript entry file. */
  readonly entry: string;
  readonly env: Record<string, string>;
  /** GET this URL until it answers 2xx. */
  readonly readyUrl: string;
  /**
   * A response header the child sets to its own pid: ready only when it matches, so a server of
   * another process that holds the port is never taken for this one.
   */
  readonly readyPidHeader?: string;
  readonly logFile?: string;
  readonly readyTimeoutMs?: number;
  readonly cwd?: string;
}

export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
  /** Sends a signal (e.g. SIGKILL to simulate a crash) and resolves on exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

const tsxLoader = createRequire(import.meta.url).resolve('tsx');

export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  // TALLY_PROFILE_DIR: write a V8 CPU profile of every service on exit (for benchmarks).
  const profile = process.env.TALLY_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.TALLY_PROFILE_DIR}`]
    : [];
  const child = spawn(process.execPath, [...profile, '--import', tsxLoader, options.entry], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (options.logFile) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    logChildOutput(child, options.logFile);
  } else {
    child.stdout?.resume();
    child.stderr?.pipe(process.stderr);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let exitCode: number | null = null;
  child.once('exit', (code) => {
    exitCode = code ?? -1;
  });

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exitCode !== null) {
      throw new Error(
        `${options.name} exited with code ${exitCode} before it was ready (see ${options.logFile ?? 'stderr'})`,
      );
    }
    try {
      const response = await fetch(options.readyUrl, { signal: AbortSignal.timeout(2_000) });
      const ours =
        !options.readyPidHeader || response.headers.get(options.readyPidHeader) === String(child.pid);
      if (response.ok && ours) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} did not become ready at ${options.readyUrl}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }

  const kill = async (signal: NodeJS.Signals) => {
    if (exitCode === null) child.kill(signal);
    await exited;
  };
  return {
    name: options.name,
    pid: child.pid!,
    child,
    kill,
    async stop(graceMs = 10_000) {
      if (exitCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await kill('SIGTERM');
      clearTimeout(timer);
    },
  };
}
