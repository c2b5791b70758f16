// /v1/tokens: machine tokens of the caller's subtree. A token gets at most the creator's own
// permissions, one org node inside the creator's subtree, and an expiry of at most a year.
// The raw token is in the creation response only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../errors/catalogue.ts';
import { getOrg, isWithin, subtreePattern } from '../orgs/org-store.ts';
import { ORG_CODE_PATTERN } from '../orgs/org-tiers.ts';
import { PERMISSIONS } from '../permissions/permission.ts';
import { createToken, getToken, listTokens, revokeToken } from './token-store.ts';

const GRANTABLE = PERMISSIONS.filter((p) => p !== 'public' && p !== 'session');
const MAX_DAYS = 365;
const OrgCode = Type.String({ pattern: ORG_CODE_PATTERN });
const Token = Type.Object({
  id: Type.String(),
  label: Type.String(),
  orgCode: Type.String(),
  scopes: Type.Array(Type.String()),
  createdBy: Type.String(),
  createdAt: Type.String(),
  expiresAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
});

export const tokensPlugin: FastifyPluginAsyncTypebox = async (app) => {
  const pool = app.metadata.pool;

  app.get(
    '/',
    {
      config: { permission: 'token.manage' },
      schema: {
        querystring: Type.Object({ orgCode: Type.Optional(OrgCode) }, { additionalProperties: false }),
        response: { 200: Type.Object({ tokens: Type.Array(Token) }) },
      },
    },
    async (request) => {
      const node = await getOrg(pool, request.query.orgCode ?? request.principal.orgCode);
      return { tokens: node ? await listTokens(pool, subtreePattern(node.path)) : [] };
    },
  );

  app.post(
    '/',
    {
      config: { permission: 'token.manage' },
      schema: {
        body: Type.Object(
          {
            label: Type.String({ minLength: 1, maxLength: 200 }),
            orgCode: OrgCode,
            scopes: Type.Array(Type.Union(GRANTABLE.map((p) => Type.Literal(p))), {
              minItems: 1,
              maxItems: GRANTABLE.length,
              uniqueItems: true,
            }),
            expiresInDays: Type.Integer({ minimum: 1, maximum: MAX_DAYS }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ token: Type.String(), info: Token }) },
      },
    },
    async (request, reply) => {
      const { label, orgCode, scopes, expiresInDays } = request.body;
      const missing = scopes.filter((s) => !request.principal.permissions.has(s));
      if (missing.length > 0) throw new ApiError('TOKEN_SCOPE_NOT_GRANTABLE', missing.join(', '), 'scopes');
      const created = await createToken(pool, {
        label,
        orgCode,
        scopes,
        createdBy: request.principal.id,
        expiresAt: new Date(Date.now() + expiresInDays * 86_400_000),
      });
      await request.audit('token.create', {
        tokenId: created.info.id,
        label,
        orgCode,
        scopes,
        expiresInDays,
      });
      return reply.status(201).send(created);
    },
  );

  app.delete(
    '/:id',
    {
      config: { permission: 'token.manage' },
      schema: { params: Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) }) },
    },
    async (request, reply) => {
      const token = await getToken(pool, request.params.id);
      const org = token ? await getOrg(pool, token.orgCode) : null;
      if (!token || !org || !isWithin(request.principal.orgPath, org.path))
        throw new ApiError('TOKEN_NOT_FOUND');
      await revokeToken(pool, token.id);
      await request.audit('token.revoke', { tokenId: token.id, label: token.label });
      return reply.status(204).send();
    },
  );
};
