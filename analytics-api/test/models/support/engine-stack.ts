// The analytics API on real MariaDB + the chdb ClickHouse server (see ../../security/support),
// logged in as union-level and bank-level staff, with a helper that loads a Dataset into a fresh
// app and runs a model through the real HTTP route (validation, permissions, scope, cache),
// holding every answer to the result schema the API documents.
import { Value } from '@sinclair/typebox/value';
import type { LightMyRequestResponse } from 'fastify';
import { ANALYSIS_MODELS } from '../../../src/models/registry.ts';
import { type ApiStack, startApiStack } from '../../security/support/api-stack.ts';
import { type Caller, loginAs } from '../../security/support/sessions.ts';
import type { Dataset } from './dataset.ts';
import { loadDataset } from './load-dataset.ts';

export interface EngineStack {
  readonly api: ApiStack;
  /** Union-level analyst: sees every bank. */
  readonly union: Caller;
  /** Analyst of bank B001 only. */
  readonly bank: Caller;
  load(data: Dataset): Promise<string>;
  /** POST /v1/analysis/<model> as `caller` (default union); throws unless 200. */
  analyse<T = Record<string, unknown>>(model: string, body: object, caller?: Caller): Promise<T>;
  /** The raw response, for error cases. */
  post(model: string, body: object, caller?: Caller): Promise<LightMyRequestResponse>;
  stop(): Promise<void>;
}

/**
 * Answers skip Fastify's response serialiser (models/routes.ts), so nothing else holds them to the
 * result schema /openapi.json documents: every answer a model test reads is checked here.
 */
function expectDocumentedShape(model: string, result: unknown): void {
  const documented = ANALYSIS_MODELS.find((m) => m.name === model);
  if (!documented) throw new Error(`${model}: not a registered model`);
  const errors = [...Value.Errors(documented.resultSchema, result)].slice(0, 3);
  if (errors.length > 0) {
    const where = errors.map(
      (e) => `${e.path || '/'} ${e.message} (${JSON.stringify(e.value)?.slice(0, 80)})`,
    );
    throw new Error(`${model}: the answer does not match its documented result schema: ${where.join('; ')}`);
  }
}

export async function startEngineStack(): Promise<EngineStack> {
  const api = await startApiStack();
  const union = await loginAs(api.app, 'union.analyst');
  const bank = await loginAs(api.app, 'b001.analyst');
  const post = (model: string, body: object, caller: Caller = union) =>
    caller.request({ method: 'POST', url: `/v1/analysis/${model}`, payload: body });
  return {
    api,
    union,
    bank,
    load: (data) => loadDataset(api.clickhouse, data),
    post,
    async analyse<T>(model: string, body: object, caller?: Caller): Promise<T> {
      const res = await post(model, body, caller);
      if (res.statusCode !== 200) throw new Error(`${model}: ${res.statusCode} ${res.body}`);
      const result = res.json();
      expectDocumentedShape(model, result);
      return result as T;
    },
    stop: () => api.stop(),
  };
}
