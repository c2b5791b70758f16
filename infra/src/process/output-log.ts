// Appends a child process's stdout and stderr to one log file. Both streams write into the same
// file stream, so neither may end it: with pipe()'s default the first stream to finish ended the
// file while the other still had data, and that late write threw "write after end" as an uncaught
// error in whatever process spawned the child (seen once in a test run, while a server stopped).
// The file is ended once the child has closed both streams. Never throws on a late chunk.
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

export function logChildOutput(child: ChildProcess, file: string): WriteStream {
  const log = createWriteStream(file, { flags: 'a' });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  child.once('close', () => log.end());
  return log;
}
