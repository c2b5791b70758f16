// /v1/catalog: the metadata catalog. Lists events and properties discovered from the data (volumes
// and first/last seen within the caller's org scope, so a bank never learns another bank's
// volumes) merged with staff annotations; lets metadata managers at the union set display names,
// descriptions and "hidden". Feeds the console's pickers and the engine's name checks.
// Annotations belong to the app, not to a bank: every bank's staff see the same names, so only a
// caller whose own node is the union (union org admins, platform admins) may change them; an org
// admin of a prefecture, bank or branch holds metadata.manage for nothing here and gets
// METADATA_UNION_ONLY. "Hidden" only keeps a name out of the pickers: analyses (and saved boards)
// naming a hidden event or property still run.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import { ApiError } from '../errors/catalogue.ts';
import { EVENT_PRESET_COLUMNS, USER_PRESET_COLUMNS } from '../models/common/property-sql.ts';
import { type OrgScope, orgScopeCondition } from '../permissions/org-scope.ts';
import type { Principal } from '../permissions/principal.ts';
import { type AnnotationKind, loadAnnotations, saveAnnotation } from './annotations.ts';
import { knownNames } from './known-names.ts';
import { PRESET_EVENT_NAMES, PRESET_PROPERTY_NAMES } from './preset-names.ts';
import {
  AnnotationSchema,
  CatalogEventSchema,
  type CatalogProperty,
  CatalogPropertySchema,
} from './schema.ts';

const AppQuery = Type.Object(
  {
    appId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }),
    orgCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);
const PropertyQuery = Type.Object(
  {
    ...AppQuery.properties,
    source: Type.Optional(Type.Union([Type.Literal('event'), Type.Literal('user')], { default: 'event' })),
  },
  { additionalProperties: false },
);
const NameParam = Type.Object({ name: Type.String({ minLength: 1, maxLength: 128 }) });
const PropertyParams = Type.Object({
  source: Type.Union([Type.Literal('event'), Type.Literal('user')]),
  name: Type.String({ minLength: 1, maxLength: 128 }),
});

const iso = (v: string) => `${v.replace(' ', 'T')}Z`;

/**
 * The catalog keeps its figures per bank (catalog_stats has no branch column), so a branch's
 * staff read their bank's: the names, types and volumes of the app in their own bank, never
 * another bank's, and no branch-level figure the catalog does not hold.
 */
function catalogScope(scope: OrgScope) {
  return orgScopeCondition({ bankCodes: scope.bankCodes });
}

export const catalogPlugin: FastifyPluginAsyncTypebox = async (app) => {
  const stats = async <T>(sql: string, params: Record<string, unknown>) =>
    (await app.clickhouse.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json<T>();

  app.get(
    '/events',
    {
      config: { permission: 'metadata.read' },
      schema: {
        tags: ['catalog'],
        summary: 'Events of an app with volumes in your scope, display names and hidden flags',
        querystring: AppQuery,
        response: { 200: Type.Array(CatalogEventSchema) },
      },
    },
    async (request) => {
      const { appId } = request.query;
      const scope = catalogScope(request.orgScope);
      const rows = await stats<{ name: string; volume: string; firstSeen: string; lastSeen: string }>(
        `SELECT event AS name, sum(volume) AS volume, min(first_seen) AS firstSeen, max(last_seen) AS lastSeen
         FROM catalog_stats WHERE app_id = {app:String} AND kind = 'event' AND ${scope.sql}
         GROUP BY event ORDER BY volume DESC, name`,
        { ...scope.params, app: appId },
      );
      const notes = await loadAnnotations(app.metadata.pool, appId, 'event');
      return rows.map((r) => {
        const note = notes.get(r.name);
        return {
          name: r.name,
          displayName: note?.displayName || PRESET_EVENT_NAMES[r.name] || '',
          description: note?.description ?? '',
          hidden: note?.hidden ?? false,
          volume: Number(r.volume),
          firstSeen: iso(r.firstSeen),
          lastSeen: iso(r.lastSeen),
        };
      });
    },
  );

  app.get(
    '/properties',
    {
      config: { permission: 'metadata.read' },
      schema: {
        tags: ['catalog'],
        summary: 'Event or user properties of an app: type, volume in your scope, display names',
        querystring: PropertyQuery,
        response: { 200: Type.Array(CatalogPropertySchema) },
      },
    },
    async (request) => {
      const { appId, source = 'event' } = request.query;
      const scope = catalogScope(request.orgScope);
      const kinds = source === 'event' ? ['event_prop', 'event_num_prop'] : ['user_prop', 'user_num_prop'];
      const rows = await stats<{
        name: string;
        numeric: number;
        volume: string;
        events: string[];
        firstSeen: string;
        lastSeen: string;
      }>(
        `SELECT name, max(kind IN ('event_num_prop', 'user_num_prop')) AS numeric, sum(volume) AS volume,
                arraySort(groupUniqArrayIf(event, event != '')) AS events,
                min(first_seen) AS firstSeen, max(last_seen) AS lastSeen
         FROM catalog_stats WHERE app_id = {app:String} AND kind IN {kinds:Array(String)} AND ${scope.sql}
         GROUP BY name ORDER BY volume DESC, name`,
        { ...scope.params, app: appId, kinds },
      );
      const notes = await loadAnnotations(
        app.metadata.pool,
        appId,
        source === 'event' ? 'event_prop' : 'user_prop',
      );
      const describe = (
        name: string,
        type: 'string' | 'number',
        preset: boolean,
        volume: number,
        events: string[],
        seen?: { firstSeen: string; lastSeen: string },
      ): CatalogProperty => {
        const note = notes.get(name);
        return {
          name,
          source,
          type,
          preset,
          displayName: note?.displayName || PRESET_PROPERTY_NAMES[name] || '',
          description: note?.description ?? '',
          hidden: note?.hidden ?? false,
          volume,
          events,
          ...(seen && { firstSeen: iso(seen.firstSeen), lastSeen: iso(seen.lastSeen) }),
        };
      };
      const presets = Object.keys(source === 'event' ? EVENT_PRESET_COLUMNS : USER_PRESET_COLUMNS);
      return [
        ...presets.map((name) => describe(name, 'string', true, 0, [])),
        ...rows.map((r) =>
          describe(r.name, Number(r.numeric) ? 'number' : 'string', false, Number(r.volume), r.events, r),
        ),
      ];
    },
  );

  const annotate = async (
    request: {
      principal: Principal;
      url: string;
      audit(a: string, d: Record<string, unknown>): Promise<void>;
    },
    kind: AnnotationKind,
    name: string,
    body: Static<typeof AnnotationSchema>,
  ) => {
    // Checked first, so a refused caller learns nothing about which names exist.
    if (request.principal.orgTier !== 'union') {
      await request.audit('access.denied', {
        reason: 'metadata_union_only',
        appId: body.appId,
        kind,
        name,
        url: request.url,
      });
      throw new ApiError('METADATA_UNION_ONLY');
    }
    const known = await knownNames(app.clickhouse, body.appId, true);
    const exists =
      kind === 'event'
        ? known.events.has(name)
        : kind === 'event_prop'
          ? known.eventProps.has(name) || Object.hasOwn(EVENT_PRESET_COLUMNS, name)
          : known.userProps.has(name) || Object.hasOwn(USER_PRESET_COLUMNS, name);
    if (!exists) {
      throw new ApiError(kind === 'event' ? 'UNKNOWN_EVENT' : 'UNKNOWN_PROPERTY', `"${name}"`, 'name');
    }
    await saveAnnotation(app.metadata.pool, kind, name, body, request.principal.name);
    await request.audit('metadata.annotate', { appId: body.appId, kind, name, change: body });
    return { ok: true };
  };

  app.patch(
    '/events/:name',
    {
      config: { permission: 'metadata.manage' },
      schema: {
        tags: ['catalog'],
        summary: 'Set the display name, description or hidden flag of an event',
        params: NameParam,
        body: AnnotationSchema,
      },
    },
    async (request) => annotate(request, 'event', request.params.name, request.body),
  );

  app.patch(
    '/properties/:source/:name',
    {
      config: { permission: 'metadata.manage' },
      schema: {
        tags: ['catalog'],
        summary: 'Set the display name, description or hidden flag of a property',
        params: PropertyParams,
        body: AnnotationSchema,
      },
    },
    async (request) =>
      annotate(
        request,
        request.params.source === 'event' ? 'event_prop' : 'user_prop',
        request.params.name,
        request.body,
      ),
  );
};
