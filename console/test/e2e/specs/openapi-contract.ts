// The console's API calls checked against the API's own description (/openapi.json, fetched
// through the console server like the browser would):
//  1. every /v1 path written in the console's source is one of CALLS, and every entry of CALLS
//     is a documented route with that method, so the console calls nothing undocumented;
//  2. the analysis request types the console imports (the models' TypeBox query schemas) have
//     exactly the properties and required fields /openapi.json documents for those routes;
//  3. every JSON body the browser sent during this suite uses only documented properties (at
//     every depth where the schema closes its objects) and carries the required ones.
// Runs last in the suite, after the other specs filled ctx.sent.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANALYSIS_MODELS } from '../../../../analytics-api/src/models/registry.ts';
import { MODEL_NAMES } from '../../../src/app/model-names.ts';
import { CONSOLE_ROOT } from '../../../src/server/config.ts';
import type { SuiteContext } from '../support/suite-context.ts';

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: Schema;
};
type OpenApi = {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>>;
};

/** Every call the console makes: method and path, `{}` for a path parameter. */
const CALLS: ReadonlyArray<readonly [string, string]> = [
  ['GET', '/v1/auth/whoami'],
  ['POST', '/v1/auth/login'],
  ['POST', '/v1/auth/logout'],
  ['GET', '/v1/orgs'],
  ['GET', '/v1/apps'],
  ['GET', '/v1/catalog/events'],
  ['GET', '/v1/catalog/properties'],
  ['PATCH', '/v1/catalog/events/{}'],
  ['PATCH', '/v1/catalog/properties/{}/{}'],
  ['GET', '/v1/analysis/online-now'],
  ['POST', '/v1/analysis/funnel/persons'],
  ['POST', '/v1/analysis/retention/persons'],
  ['POST', '/v1/analysis/distribution/persons'],
  ['POST', '/v1/analysis/user-properties/persons'],
  ['POST', '/v1/analysis/events/persons'],
  ['POST', '/v1/analysis/ltv/persons'],
  ['POST', '/v1/analysis/session/persons'],
  ...MODEL_NAMES.map((m) => ['POST', `/v1/analysis/${m}`] as const),
  ['GET', '/v1/dashboards'],
  ['POST', '/v1/dashboards'],
  ['GET', '/v1/dashboards/{}'],
  ['PUT', '/v1/dashboards/{}'],
  ['POST', '/v1/dashboards/analyses'],
  ['GET', '/v1/dashboards/analyses/{}'],
];

/** `/v1/x/{id}` and `/v1/x/${id}` both become `/v1/x/{}`. */
const normal = (path: string) => path.replace(/\$?\{[^}]*\}/g, '{}').replace(/\/$/, '');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'server' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Paths of the object keys the schema does not document, e.g. ["body.exclusions[0].foo"]. */
function undocumented(value: unknown, schema: Schema | undefined, at: string): string[] {
  if (!schema || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => undocumented(v, schema.items, `${at}[${i}]`));
  const props = schema.properties;
  if (!props) return [];
  const record = value as Record<string, unknown>;
  const unknownKeys =
    schema.additionalProperties === false
      ? Object.keys(record)
          .filter((k) => !(k in props))
          .map((k) => `${at}.${k}`)
      : [];
  const missing = (schema.required ?? []).filter((k) => !(k in record)).map((k) => `${at}.${k} (required)`);
  return [
    ...unknownKeys,
    ...missing,
    ...Object.entries(record).flatMap(([k, v]) => undocumented(v, props[k], `${at}.${k}`)),
  ];
}

export function contractSpecs(ctx: SuiteContext): void {
  describe('API contract (/openapi.json)', () => {
    const openapi = async () => {
      const response = await fetch(`${ctx.cs.console.url}/openapi.json`);
      expect(response.status).toBe(200);
      return (await response.json()) as OpenApi;
    };
    // A documented path equal to this one, else one whose parameters match its segments
    // (a concrete /v1/dashboards/2 is the documented /v1/dashboards/{id}).
    const operation = (doc: OpenApi, method: string, path: string) => {
      const entries = Object.entries(doc.paths);
      const pattern = (p: string) => new RegExp(`^${normal(p).replace(/\{\}/g, '[^/]+')}$`);
      const found =
        entries.find(([p]) => normal(p) === normal(path)) ?? entries.find(([p]) => pattern(p).test(path));
      return found?.[1]?.[method.toLowerCase()];
    };
    const bodySchema = (doc: OpenApi, method: string, path: string) =>
      operation(doc, method, path)?.requestBody?.content['application/json']?.schema;

    it('every route the console calls is documented with that method', async () => {
      const doc = await openapi();
      const missing = CALLS.filter(([m, p]) => !operation(doc, m, p)).map(([m, p]) => `${m} ${p}`);
      expect(missing).toEqual([]);
      // And CALLS is complete: each /v1 path literal in the source is one of its entries.
      const known = new Set(CALLS.map(([, p]) => normal(p)));
      const written = sourceFiles(join(CONSOLE_ROOT, 'src')).flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/['`](\/v1\/[^'`]*)['`]/g)].map((m) => m[1]!),
      );
      // `/v1/analysis/${model}` is the template CALLS expands over MODEL_NAMES.
      known.add('/v1/analysis/{}');
      const unlisted = written.map(normal).filter((p) => !known.has(p));
      expect(unlisted).toEqual([]);
    });

    it("the console's analysis request types match the documented request bodies", async () => {
      const doc = await openapi();
      for (const model of ANALYSIS_MODELS) {
        const documented = bodySchema(doc, 'POST', `/v1/analysis/${model.name}`);
        expect(documented, model.name).toBeDefined();
        const typed = model.querySchema as unknown as Schema;
        expect(Object.keys(documented!.properties ?? {}).sort(), model.name).toEqual(
          Object.keys(typed.properties ?? {}).sort(),
        );
        expect([...(documented!.required ?? [])].sort(), model.name).toEqual(
          [...(typed.required ?? [])].sort(),
        );
      }
    });

    it('every body the browser sent in this suite uses documented fields only', async () => {
      const doc = await openapi();
      expect(ctx.sent.length).toBeGreaterThan(10);
      const problems = ctx.sent.flatMap((s) => {
        const schema = bodySchema(doc, s.method, s.path);
        if (!schema) return [`${s.method} ${s.path}: no documented body`];
        return undocumented(s.body, schema, `${s.method} ${s.path} body`);
      });
      expect(problems).toEqual([]);
    });
  });
}
