// /v1/audit: search the audit log of the caller's subtree (org admins, platform admins).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { getOrg } from '../orgs/org-store.ts';
import { ORG_CODE_PATTERN } from '../orgs/org-tiers.ts';
import { searchAudit } from './audit-search.ts';

const Record = Type.Object({
  id: Type.String(),
  at: Type.String(),
  actorKind: Type.String(),
  actorId: Type.String(),
  actorName: Type.String(),
  orgPath: Type.String(),
  ip: Type.String(),
  action: Type.String(),
  details: Type.Unknown(),
});

export const auditPlugin: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      config: { permission: 'audit.read' },
      schema: {
        querystring: Type.Object(
          {
            orgCode: Type.Optional(Type.String({ pattern: ORG_CODE_PATTERN })),
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
            actor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            action: Type.Optional(
              Type.String({ pattern: '^[a-z_]+(\\.[a-z_]+)*(\\.\\*)?$', maxLength: 100 }),
            ),
            beforeId: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ entries: Type.Array(Record) }) },
      },
    },
    async (request) => {
      const q = request.query;
      // ?orgCode has been checked against the caller's subtree by the permissions plugin.
      const node = await getOrg(app.metadata.pool, q.orgCode ?? request.principal.orgCode);
      if (!node) return { entries: [] };
      const entries = await searchAudit(app.metadata.pool, {
        orgPath: node.path,
        includeUnattributed: node.tier === 'union',
        limit: q.limit,
        ...(q.from ? { from: new Date(q.from) } : {}),
        ...(q.to ? { to: new Date(q.to) } : {}),
        ...(q.actor ? { actor: q.actor } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.beforeId ? { beforeId: q.beforeId } : {}),
      });
      return { entries };
    },
  );
};
