// A small pool of chdb Sessions on one data directory. One Session runs one statement at a time,
// but several Sessions on the same directory run concurrently (platform-notes), so: lane 0 is
// reserved for INSERTs, so that acknowledging ingested events never waits behind a long
// analysis; the other lanes take everything else, each request going to the shortest queue.
// Each lane remembers the database, settings and parameters it last applied, and resets what the
// next request does not set, so nothing leaks from one request into another.
// A read whose caller has gone (`cancelled`) never starts if it is still waiting, and is stopped
// in the engine if it is running (statement-kill.ts).
import { Session } from 'chdb';
import { ServerError } from './clickhouse-error.ts';
import { isIdentifier, placeholderNames, settingLiteral, stringLiteral } from './literals.ts';
import { openStatementKill, queryWasCancelled } from './statement-kill.ts';

export interface EngineRequest {
  readonly sql: string;
  readonly database: string;
  readonly format: string;
  readonly settings: ReadonlyMap<string, string>;
  readonly params: ReadonlyMap<string, string>;
  readonly isInsert: boolean;
  /** Aborted when the caller no longer wants the answer (the server sets it on read-only statements). */
  readonly cancelled?: AbortSignal;
}

export interface EngineResult {
  readonly body: Uint8Array;
  readonly rowsRead: number;
  readonly bytesRead: number;
  readonly elapsedS: number;
}

interface Lane {
  readonly session: Session;
  queued: number;
  tail: Promise<unknown>;
  database: string;
  settings: Map<string, string>;
}

export interface EngineLanes {
  run(request: EngineRequest): Promise<EngineResult>;
  /** Statements waiting or running, across lanes. */
  load(): number;
  close(): Promise<void>;
}

export function openEngineLanes(dataDir: string, laneCount: number, maxQueued: number): EngineLanes {
  const lanes: Lane[] = [];
  for (let i = 0; i < Math.max(2, laneCount); i++) {
    lanes.push({
      session: new Session(dataDir),
      queued: 0,
      tail: Promise.resolve(),
      database: '',
      settings: new Map(),
    });
  }
  const [writeLane, ...readLanes] = lanes as [Lane, ...Lane[]];
  // Its own session: a running statement holds its lane's session until it ends.
  const kill = openStatementKill(new Session(dataDir));

  async function execute(lane: Lane, request: EngineRequest): Promise<EngineResult> {
    const { session } = lane;
    if (lane.database !== request.database) {
      if (!isIdentifier(request.database))
        throw new ServerError(81, 'UNKNOWN_DATABASE', `Database ${request.database} does not exist`);
      await session.queryAsync(`USE ${request.database}`);
      lane.database = request.database;
    }
    const { cancelled } = request;
    // A statement that may have to be stopped carries a mark to be found by (statement-kill.ts).
    const mark = cancelled ? kill.mark() : undefined;
    const wanted = mark ? new Map([...request.settings, ['log_comment', mark]]) : request.settings;
    for (const [name] of request.settings) {
      if (!isIdentifier(name))
        throw new ServerError(
          115,
          'UNKNOWN_SETTING',
          `Setting ${name} is neither a builtin setting nor started with the prefix 'custom_'`,
        );
    }
    // Parameters are set for every request; a placeholder the request did not supply must fail
    // as on a real server instead of silently taking a value an earlier request left behind.
    for (const name of placeholderNames(request.sql)) {
      if (!request.params.has(name)) {
        throw new ServerError(456, 'UNKNOWN_QUERY_PARAMETER', `Substitution \`${name}\` is not set`);
      }
    }
    for (const [name] of request.params) {
      if (!isIdentifier(name))
        throw new ServerError(457, 'BAD_QUERY_PARAMETER', `Bad query parameter name ${name}`);
    }
    // Each assignment with what it does to the lane's record of its settings once applied.
    const assignments: { text: string; record(): void }[] = [
      ...[...lane.settings.keys()]
        .filter((name) => !wanted.has(name))
        .map((name) => ({ text: `${name} = DEFAULT`, record: () => lane.settings.delete(name) })),
      ...[...wanted]
        .filter(([name, value]) => lane.settings.get(name) !== value)
        .map(([name, value]) => ({
          text: `${name} = ${settingLiteral(value)}`,
          record: () => lane.settings.set(name, value),
        })),
      ...[...request.params].map(([name, value]) => ({
        text: `param_${name} = ${stringLiteral(value)}`,
        record: () => undefined,
      })),
    ];
    // One SET for all of them: each statement costs the engine ~0.35 ms, and an analysis carries
    // a dozen parameters. Should it fail (a bad setting value), one statement per assignment says
    // which, and the lane's record stays exact.
    if (assignments.length > 0) {
      try {
        await session.queryAsync(`SET ${assignments.map((a) => a.text).join(', ')}`);
      } catch {
        for (const assignment of assignments) {
          await session.queryAsync(`SET ${assignment.text}`);
          assignment.record();
        }
      }
      for (const assignment of assignments) assignment.record();
    }
    if (cancelled?.aborted) throw queryWasCancelled();
    const statement = session.queryAsync(request.sql, { format: request.format });
    const result = await (cancelled && mark ? kill.guard(mark, cancelled, statement) : statement);
    return {
      body: result.bytes(),
      rowsRead: result.rowsRead,
      bytesRead: result.bytesRead,
      elapsedS: result.elapsed,
    };
  }

  return {
    run(request) {
      const lane = request.isInsert ? writeLane : readLanes.reduce((a, b) => (b.queued < a.queued ? b : a));
      if (lane.queued >= maxQueued) {
        return Promise.reject(
          new ServerError(
            202,
            'TOO_MANY_SIMULTANEOUS_QUERIES',
            `Too many simultaneous queries. Maximum: ${maxQueued}`,
          ),
        );
      }
      lane.queued++;
      let started = false;
      const turn = lane.tail.then(() => {
        if (request.cancelled?.aborted) throw queryWasCancelled();
        started = true;
        return execute(lane, request);
      });
      lane.tail = turn
        .catch(() => undefined)
        .finally(() => {
          lane.queued--;
        });
      const { cancelled } = request;
      if (!cancelled) return turn;
      // A read given up while it waits is answered at once; its turn, when it comes, is skipped.
      return new Promise<EngineResult>((resolve, reject) => {
        const onAbort = () => {
          if (!started) reject(queryWasCancelled());
        };
        cancelled.addEventListener('abort', onAbort, { once: true });
        turn.then(resolve, reject).finally(() => cancelled.removeEventListener('abort', onAbort));
      });
    },
    load: () => lanes.reduce((sum, lane) => sum + lane.queued, 0),
    async close() {
      await Promise.all(lanes.map((lane) => lane.tail));
      await kill.close();
      for (const lane of lanes) lane.session.close();
    },
  };
}
