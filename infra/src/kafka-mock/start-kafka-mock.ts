// Starts the librdkafka mock cluster (infra/kafka-mock) as a child process for tests and
// benchmarks, building it first when needed, and returns its bootstrap addresses. The broker
// holds everything in memory and dies with its parent (it exits when stdin closes).
import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const BUILD = fileURLToPath(new URL('../../bin/build-kafka-mock.sh', import.meta.url));
const BINARY = fileURLToPath(new URL('../../kafka-mock/kafka-mock-broker', import.meta.url));

export interface KafkaMockOptions {
  readonly brokers?: number;
  readonly topics: ReadonlyArray<{ readonly name: string; readonly partitions: number }>;
}

export interface KafkaMock {
  readonly bootstrap: readonly string[];
  stop(): Promise<void>;
}

export async function startKafkaMock(options: KafkaMockOptions): Promise<KafkaMock> {
  execFileSync('bash', [BUILD], { stdio: 'ignore' });
  const args = [String(options.brokers ?? 1), ...options.topics.map((t) => `${t.name}:${t.partitions}`)];
  const child = spawn(BINARY, args, { stdio: ['pipe', 'pipe', 'ignore'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const firstLine = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      lines.close();
      resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`kafka mock broker exited with code ${code}`)));
  });
  return {
    bootstrap: firstLine.split(',').filter(Boolean),
    async stop() {
      child.stdin?.end();
      child.kill('SIGTERM');
      await exited;
    },
  };
}
