// /v1/orgs: the org tree as far as the caller may see it, and its management (create, rename,
// move, CSV import) inside the caller's subtree.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../errors/catalogue.ts';
import { createOrg, moveOrg, renameOrg } from './org-admin.ts';
import { importOrgCsv } from './org-csv.ts';
import { getOrg, isWithin, listSubtree } from './org-store.ts';
import { ORG_CODE_PATTERN, ORG_TIERS } from './org-tiers.ts';

const OrgCode = Type.String({ pattern: ORG_CODE_PATTERN });
const CodeParam = Type.Object({ code: OrgCode });
const Org = Type.Object({
  code: Type.String(),
  name: Type.String(),
  tier: Type.String(),
  parentCode: Type.Union([Type.String(), Type.Null()]),
  path: Type.String(),
  bankCode: Type.String(),
});
const Name = Type.String({ minLength: 1, maxLength: 200 });
const MAX_CSV_BYTES = 2 * 1024 * 1024;

export const orgsPlugin: FastifyPluginAsyncTypebox = async (app) => {
  const pool = app.metadata.pool;
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: MAX_CSV_BYTES }, (_req, body, done) =>
    done(null, body),
  );

  app.get(
    '/',
    {
      config: { permission: 'session' },
      schema: {
        querystring: Type.Object({ orgCode: Type.Optional(OrgCode) }, { additionalProperties: false }),
        response: { 200: Type.Object({ orgs: Type.Array(Org) }) },
      },
    },
    async (request) => {
      // ?orgCode has been checked against the caller's subtree by the permissions plugin.
      const node = await getOrg(pool, request.query.orgCode ?? request.principal.orgCode);
      return { orgs: node ? await listSubtree(pool, node.path) : [] };
    },
  );

  app.get(
    '/:code',
    { config: { permission: 'session' }, schema: { params: CodeParam, response: { 200: Org } } },
    async (request) => {
      const node = await getOrg(pool, request.params.code);
      if (!node || !isWithin(request.principal.orgPath, node.path)) throw new ApiError('ORG_OUT_OF_SCOPE');
      return node;
    },
  );

  app.post(
    '/',
    {
      config: { permission: 'org.manage' },
      schema: {
        body: Type.Object(
          {
            code: OrgCode,
            name: Name,
            tier: Type.Union(ORG_TIERS.map((t) => Type.Literal(t))),
            parentCode: OrgCode,
          },
          { additionalProperties: false },
        ),
        response: { 201: Org },
      },
    },
    async (request, reply) => {
      const node = await createOrg(pool, request.body, request.principal.orgPath);
      await request.audit('org.create', { ...request.body });
      return reply.status(201).send(node);
    },
  );

  app.patch(
    '/:code',
    {
      config: { permission: 'org.manage' },
      schema: {
        params: CodeParam,
        body: Type.Object({ name: Name }, { additionalProperties: false }),
        response: { 200: Org },
      },
    },
    async (request) => {
      const node = await renameOrg(pool, request.params.code, request.body.name, request.principal.orgPath);
      await request.audit('org.rename', { code: node.code, name: request.body.name });
      return node;
    },
  );

  app.post(
    '/:code/move',
    {
      config: { permission: 'org.manage' },
      schema: {
        params: CodeParam,
        body: Type.Object({ parentCode: OrgCode }, { additionalProperties: false }),
        response: { 200: Org },
      },
    },
    async (request) => {
      const before = await getOrg(pool, request.params.code);
      const node = await moveOrg(
        pool,
        request.params.code,
        request.body.parentCode,
        request.principal.orgPath,
      );
      await request.audit('org.move', { code: node.code, from: before?.parentCode, to: node.parentCode });
      return node;
    },
  );

  app.post(
    '/import',
    {
      config: { permission: 'org.manage' },
      schema: {
        body: Type.String({ minLength: 1, maxLength: MAX_CSV_BYTES }),
        response: { 200: Type.Object({ created: Type.Integer(), renamed: Type.Integer() }) },
      },
    },
    async (request) => {
      const result = await importOrgCsv(pool, request.body, request.principal.orgPath);
      await request.audit('org.import', result);
      return result;
    },
  );
};
