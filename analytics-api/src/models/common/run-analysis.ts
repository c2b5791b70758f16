// Runs one model for one request: resolves the time range, checks names against the catalog
// (reloading it once if a name is new), serves a cached result for the same (model, query, scope,
// data version) or joins the run computing it now, otherwise waits for a turn in the analysis
// queue (analysis-queue.ts) and runs the model's SQL under time and memory limits; audits the run.
// When everyone who asked has gone, a waiting analysis leaves the line and a running one is
// stopped in ClickHouse (its statement cancelled, no further statement sent).
// A ClickHouse limit error never surfaces as a 500: it becomes QUERY_TOO_EXPENSIVE (query-limits.ts).
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { knownNames } from '../../catalog/known-names.ts';
import { ApiError } from '../../errors/catalogue.ts';
import { personResolution } from '../../identity/overrides-dictionary.ts';
import { maskRows } from '../../masking/mask-row.ts';
import { loadSensitiveFields } from '../../masking/sensitive-fields.ts';
import { applySensitiveQueryPolicy } from '../../masking/sensitive-query-policy.ts';
import { createAnalysisContext } from './analysis-context.ts';
import type { AnalysisQueryBase, AnyAnalysisModel } from './analysis-model.ts';
import { analysisLane } from './analysis-queue.ts';
import { dataVersion } from './data-version.ts';
import { ANALYSIS_ENGINE_SETTINGS } from './engine-settings.ts';
import { NameResolver } from './name-resolver.ts';
import { rowsUnderLimits } from './query-limits.ts';
import type { ResultMeta } from './query-schema.ts';
import { resolveTimeRange } from './time-range.ts';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

const resultCache = new LRUCache<string, object>({ max: 500, ttl: 15 * 60_000 });
/** A result being computed now, and how many of the requests waiting for it are still there. */
interface Computation {
  readonly result: Promise<object>;
  callers: number;
  /** Aborted when the last caller has gone: the computation then gives up its place in line. */
  readonly unwanted: AbortController;
}
/** Results being computed now, by cache key. */
const inFlight = new Map<string, Computation>();

/** How many requests wait for an analysis being computed now (tests observe joining through it). */
export function callersWaitingForAnalyses(): number {
  let callers = 0;
  for (const computation of inFlight.values()) callers += computation.callers;
  return callers;
}

/** Counts a caller in until its request ends or it leaves (`left`), whichever comes first. */
function join(computation: Computation, left: AbortSignal | undefined): void {
  computation.callers++;
  left?.addEventListener(
    'abort',
    () => {
      if (--computation.callers === 0) computation.unwanted.abort();
    },
    { once: true },
  );
}

export async function runAnalysis(
  app: FastifyInstance,
  request: FastifyRequest,
  model: AnyAnalysisModel,
  body: AnalysisQueryBase,
  /** Aborts when the caller goes away before the answer (closed page, "cancel"). */
  left?: AbortSignal,
): Promise<object & { meta: ResultMeta }> {
  const started = performance.now();
  const needed = (model.permissionFor as ((query: AnalysisQueryBase) => string | undefined) | undefined)?.(
    body,
  );
  if (needed && !request.principal.permissions.has(needed as 'analysis.export')) {
    await request.audit('access.denied', { reason: 'permission', permission: needed, url: request.url });
    throw new ApiError('PERMISSION_DENIED', `this query needs the "${needed}" permission`);
  }
  const timeZone = body.timeZone ?? DEFAULT_TIME_ZONE;
  // Sensitive properties are stored encrypted: equality filters become keyed-hash matches, other
  // uses are refused (masking/sensitive-query-policy.ts), before the cache key and the audit.
  const sensitive = await loadSensitiveFields(app.metadata.pool, body.appId);
  const query = applySensitiveQueryPolicy({ ...body, timeZone }, sensitive, app.keyring);
  const range = resolveTimeRange(query.from, query.to, timeZone);
  const [version, resolution] = await Promise.all([
    dataVersion(app.clickhouse, app.config.clickhouse.cluster ?? ''),
    personResolution(app.clickhouse, query.appId),
  ]);
  const key = createHash('sha256')
    .update(JSON.stringify([model.name, query, request.orgScope, version]))
    .digest('base64url');
  const meta = (cached: boolean): ResultMeta => ({
    cached,
    durationMs: Math.round(performance.now() - started),
    timeZone,
    dataVersion: version,
  });
  // "Cache-Control: no-cache" (the console's refresh button, benchmarks) recomputes and re-caches.
  const bypass = /\bno-cache\b/.test(String(request.headers['cache-control'] ?? ''));
  const hit = bypass ? undefined : resultCache.get(key);
  // Detail rows (`persons`: funnel/persons) leave masked like every other output; the cache keeps
  // them as computed, so each caller gets them masked for their own permissions.
  const masked = async (result: object): Promise<object> => {
    const persons = (result as { persons?: unknown }).persons;
    if (!Array.isArray(persons) || sensitive.size === 0) return result;
    return {
      ...result,
      persons: await maskRows(request, persons as Record<string, unknown>[], sensitive, {
        purpose: 'analysis.detail',
        context: query.appId,
      }),
    };
  };
  const counted = (outcome: 'computed' | 'cached' | 'shared') =>
    app.analysisMetrics.analyses.inc({ model: model.name, outcome });
  if (hit) {
    counted('cached');
    await request.audit('analysis.run', { model: model.name, query, cached: true });
    return { ...(await masked(hit)), meta: meta(true) };
  }
  let rowsRead = 0;
  const unwanted = new AbortController();
  const execute = async <T>(sql: string, params: Record<string, unknown>): Promise<T[]> => {
    try {
      const rows = await rowsUnderLimits<T>(app.clickhouse, app.config.clickhouse, {
        sql,
        params,
        settings: ANALYSIS_ENGINE_SETTINGS,
        unwanted: unwanted.signal,
      });
      rowsRead += rows.length;
      return rows;
    } catch (error) {
      if (!(error instanceof ApiError)) request.log.error({ err: error, sql }, 'analysis query failed');
      throw error;
    }
  };
  const attempt = async (fresh: boolean) => {
    const names = new NameResolver(await knownNames(app.clickhouse, query.appId, fresh));
    const ctx = createAnalysisContext({
      query,
      range,
      scope: request.orgScope,
      names,
      now: Date.now(),
      personResolution: resolution,
      execute,
    });
    return model.run(ctx);
  };
  // The same question already being computed (a board opened by several people at once) is
  // answered by that computation instead of a second run on ClickHouse.
  // (A computation everyone has left is not joined: it is giving up its place in line.)
  const running = inFlight.get(key);
  if (running && !running.unwanted.signal.aborted) {
    join(running, left);
    const shared = await running.result;
    counted('shared');
    await request.audit('analysis.run', { model: model.name, query, cached: true, shared: true });
    return { ...(await masked(shared)), meta: meta(true) };
  }
  const computation: Computation = {
    callers: 0,
    unwanted,
    result: (async () => {
      const release = await app.analysisQueue.acquire(analysisLane(request.principal), unwanted.signal);
      const timer = app.analysisMetrics.computeSeconds.startTimer({ model: model.name });
      try {
        return await attempt(false);
      } catch (error) {
        const unknownName =
          error instanceof ApiError && (error.code === 'UNKNOWN_EVENT' || error.code === 'UNKNOWN_PROPERTY');
        if (!unknownName) throw error;
        return await attempt(true);
      } finally {
        timer();
        release();
      }
    })(),
  };
  join(computation, left);
  inFlight.set(key, computation);
  let result: object;
  try {
    result = await computation.result;
  } catch (error) {
    // Stopped because everyone left: still an access to the data someone asked for, on record.
    if (error instanceof ApiError && error.code === 'ANALYSIS_CANCELLED') {
      await request.audit('analysis.run', { model: model.name, query, cached: false, cancelled: true });
    }
    throw error;
  } finally {
    if (inFlight.get(key) === computation) inFlight.delete(key);
  }
  counted('computed');
  resultCache.set(key, result);
  await request.audit('analysis.run', { model: model.name, query, cached: false, rows: rowsRead });
  return { ...(await masked(result)), meta: meta(false) };
}
