// Prometheus metrics of the collector, on a registry of its own (never the global one, so two
// apps in one test process do not collide): accepted and rejected events, requests by status,
// latency, and the rows waiting for durable storage (queue lag).
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { EventSink } from '../ingestion/sink.ts';

export interface CollectorMetrics {
  readonly registry: Registry;
  readonly accepted: Counter<'app'>;
  readonly rejected: Counter<'reason'>;
  readonly requests: Counter<'status'>;
  readonly latency: Histogram<'route'>;
}

export function createCollectorMetrics(sink: EventSink): CollectorMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tally_collector_' });
  new Gauge({
    name: 'tally_collector_sink_pending',
    help: 'Accepted rows not yet durable (queue lag)',
    registers: [registry],
    collect() {
      this.set(sink.pending());
    },
  });
  return {
    registry,
    accepted: new Counter({
      name: 'tally_collector_events_accepted_total',
      help: 'Events accepted',
      labelNames: ['app'],
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'tally_collector_events_rejected_total',
      help: 'Events rejected, by reason code',
      labelNames: ['reason'],
      registers: [registry],
    }),
    requests: new Counter({
      name: 'tally_collector_requests_total',
      help: 'HTTP requests by status',
      labelNames: ['status'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'tally_collector_request_seconds',
      help: 'Request latency',
      labelNames: ['route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
