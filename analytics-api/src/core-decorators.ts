// The shared services every feature plugin reads: `app.clickhouse`, `app.metadata`, `app.config`,
// `app.keyring`, `app.analysisQueue`, `app.analysisMetrics`, registered once on the root instance (fastify-plugin skips
// encapsulation so every prefix sees them). Also the request decorators' types, set by permissions/enforce-plugin.ts.
import type { ClickHouseClient } from '@tally/infra/clickhouse';
import type { MetadataDb } from '@tally/infra/mysql';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiConfig } from './config.ts';
import type { Keyring } from './crypto/keyring.ts';
import { type AnalysisMetrics, createAnalysisMetrics } from './metrics/analysis-metrics.ts';
import { AnalysisQueue, DEFAULT_ANALYSIS_QUEUE } from './models/common/analysis-queue.ts';
import type { RouteEntry } from './permissions/enforce-plugin.ts';
import type { OrgScope } from './permissions/org-scope.ts';
import type { Principal } from './permissions/principal.ts';

declare module 'fastify' {
  interface FastifyInstance {
    clickhouse: ClickHouseClient;
    metadata: MetadataDb;
    config: ApiConfig;
    keyring: Keyring;
    /** Admits analyses to ClickHouse, a few at a time, bank by bank in turn. */
    analysisQueue: AnalysisQueue;
    /** Prometheus metrics of the analyses (GET /metrics). */
    analysisMetrics: AnalysisMetrics;
    /** Every route registered so far with its permission (the authorisation tests walk it). */
    routeCatalogue: readonly RouteEntry[];
  }
  interface FastifyRequest {
    /** Who is calling; ANONYMOUS on public routes. */
    principal: Principal;
    /** Rows this request may see; every ClickHouse/MySQL query of a route must apply it. */
    orgScope: OrgScope;
    /**
     * The client's address as the request arrived: `ip` reads the socket, whose address is gone
     * once the client hangs up (a browser leaving the page mid-analysis), and the run must still
     * be audited with it.
     */
    clientIp: string;
    /** Appends an audit entry as the current principal from the client's address. */
    audit(action: string, details: Record<string, unknown>): Promise<void>;
  }
}

export interface CoreServices {
  readonly clickhouse: ClickHouseClient;
  readonly metadata: MetadataDb;
  readonly config: ApiConfig;
  readonly keyring: Keyring;
}

export const coreDecorators = fp(
  async (app: FastifyInstance, services: CoreServices) => {
    app.decorate('clickhouse', services.clickhouse);
    app.decorate('metadata', services.metadata);
    app.decorate('config', services.config);
    app.decorate('keyring', services.keyring);
    const queue = new AnalysisQueue(services.config.analysisQueue ?? DEFAULT_ANALYSIS_QUEUE);
    app.decorate('analysisQueue', queue);
    app.decorate('analysisMetrics', createAnalysisMetrics(queue));
  },
  { name: 'tally-core-decorators' },
);
