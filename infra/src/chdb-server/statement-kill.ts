// Stops a running read in the engine when its caller has gone, as a ClickHouse server does with
// `cancel_http_readonly_queries_on_client_close`. chdb runs each statement to its end unless it
// is killed, and a statement holds its session, so the kill runs on a session of its own. The
// statement is found in system.processes by its `log_comment` setting, a mark this process made
// up: its text is no use, the engine shows it re-formatted with the parameters in. Never splices
// anything a caller sent into the KILL statement.
import type { Session } from 'chdb';
import { ServerError } from './clickhouse-error.ts';

/** The error a cancelled statement ends with (ClickHouse's own code and name). */
export function queryWasCancelled(): ServerError {
  return new ServerError(394, 'QUERY_WAS_CANCELLED', 'Query was cancelled');
}

export interface StatementKill {
  /** A `log_comment` value no other statement of this process carries. */
  mark(): string;
  /** Awaits `running` (started with log_comment = `mark`), killing it if `cancelled` aborts first. */
  guard<T>(mark: string, cancelled: AbortSignal, running: Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A statement is not in system.processes the instant it is started: ask again this often. */
const RETRY_MS = 20;

export function openStatementKill(session: Session): StatementKill {
  let next = 0;
  // One KILL at a time on the session.
  let tail: Promise<unknown> = Promise.resolve();
  const onSession = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work);
    tail = run.catch(() => undefined);
    return run;
  };
  // ASYNC: the engine stops the statement at its next check; SYNC would hold the kill session.
  const killMarked = (mark: string) =>
    onSession(async () => {
      const found = await session.queryAsync(
        `KILL QUERY WHERE Settings['log_comment'] = '${mark}' ASYNC FORMAT TabSeparated`,
      );
      return found.text().trim() !== '';
    });

  return {
    mark: () => `tally-statement-${process.pid}-${++next}`,
    async guard(mark, cancelled, running) {
      let ended = false;
      const settled = running.finally(() => {
        ended = true;
      });
      const stop = async () => {
        while (!ended && !(await killMarked(mark).catch(() => false))) {
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        }
      };
      if (cancelled.aborted) void stop();
      else cancelled.addEventListener('abort', () => void stop(), { once: true });
      try {
        return await settled;
      } catch (error) {
        throw cancelled.aborted ? queryWasCancelled() : error;
      }
    },
    async close() {
      await tail;
      session.close();
    },
  };
}
