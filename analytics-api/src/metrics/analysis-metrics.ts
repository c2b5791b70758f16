// Prometheus metrics of the analytics API, on a registry of its own (never the global one, so two
// apps in one test process do not collide): analyses by model and outcome, how long computed ones
// took, and the admission queue's running and waiting counts. Carries no bank, customer or query
// value in a label: only model names and fixed outcomes, so the endpoint can be scraped openly.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { ApiError } from '../errors/catalogue.ts';
import type { AnalysisQueue } from '../models/common/analysis-queue.ts';

/** How an analysis request ended. */
export type AnalysisOutcome =
  | 'computed'
  | 'cached'
  | 'shared'
  | 'busy'
  | 'too_expensive'
  | 'cancelled'
  | 'refused'
  | 'failed';

export interface AnalysisMetrics {
  readonly registry: Registry;
  readonly analyses: Counter<'model' | 'outcome'>;
  readonly computeSeconds: Histogram<'model'>;
}

export function createAnalysisMetrics(queue: AnalysisQueue): AnalysisMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tally_api_' });
  new Gauge({
    name: 'tally_api_analyses_running',
    help: 'Analyses running on ClickHouse now',
    registers: [registry],
    collect() {
      this.set(queue.stats.running);
    },
  });
  new Gauge({
    name: 'tally_api_analyses_waiting',
    help: 'Analyses waiting for a turn now',
    registers: [registry],
    collect() {
      this.set(queue.stats.waiting);
    },
  });
  return {
    registry,
    analyses: new Counter({
      name: 'tally_api_analyses_total',
      help: 'Analysis requests by model and outcome (computed, cached, shared, busy, too_expensive, cancelled, refused, failed)',
      labelNames: ['model', 'outcome'],
      registers: [registry],
    }),
    computeSeconds: new Histogram({
      name: 'tally_api_analysis_compute_seconds',
      help: 'Time of analyses run on ClickHouse, from their turn to their answer (or error)',
      labelNames: ['model'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60],
      registers: [registry],
    }),
  };
}

/** The outcome of an analysis request that ended in an error. */
export function failureOutcome(error: unknown): AnalysisOutcome {
  if (!(error instanceof ApiError)) return 'failed';
  if (error.code === 'ANALYSIS_BUSY') return 'busy';
  if (error.code === 'QUERY_TOO_EXPENSIVE') return 'too_expensive';
  if (error.code === 'ANALYSIS_CANCELLED') return 'cancelled';
  return error.status < 500 ? 'refused' : 'failed';
}
