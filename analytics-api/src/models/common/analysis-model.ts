// What a model is to the engine: a name (its URL segment), its query and result schemas (validation
// and /openapi.json) and a `run` that builds SQL through the AnalysisContext. Models never read
// the request, the scope's raw codes or the ClickHouse client; the runner owns limits and caching.
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import type { AnalysisContext } from './analysis-context.ts';

export interface AnalysisModel<S extends TObject = TObject, R extends object = object> {
  /** URL segment: POST /v1/analysis/<name>. */
  readonly name: string;
  /** One line for /openapi.json. */
  readonly summary: string;
  readonly querySchema: S;
  readonly resultSchema: TSchema;
  /** Default analysis.run; models that list customers (detail rows) need analysis.export. */
  readonly permission?: 'analysis.run' | 'analysis.export';
  /**
   * A stronger permission some queries of the model need (e.g. path `listUsers` lists customers:
   * analysis.export). Checked by the runner after validation, since the route's permission is
   * checked before the body is read.
   */
  readonly permissionFor?: (query: never) => 'analysis.export' | undefined;
  run(ctx: AnalysisContext<Static<S> & AnalysisQueryBase>): Promise<R>;
}

/** What the runner needs from every model's query. */
export interface AnalysisQueryBase {
  readonly appId: string;
  readonly from: string;
  readonly to: string;
  readonly timeZone?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds models of different query types.
export type AnyAnalysisModel = AnalysisModel<any, any>;
