// /v1/staff: staff accounts of the caller's subtree (list, create, change roles/status, reset
// password). The rules of who may do what live in staff-admin.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { getOrg, subtreePattern } from '../orgs/org-store.ts';
import { ORG_CODE_PATTERN } from '../orgs/org-tiers.ts';
import { ROLES } from '../permissions/role-matrix.ts';
import { createStaffAs, manageableStaff, resetPasswordAs, updateStaffAs } from './staff-admin.ts';
import { listStaffUnder } from './staff-store.ts';

const RoleList = Type.Array(Type.Union(ROLES.map((r) => Type.Literal(r))), {
  minItems: 1,
  maxItems: ROLES.length,
});
const OrgCode = Type.String({ pattern: ORG_CODE_PATTERN });
const StaffId = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) });

const Staff = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  orgCode: Type.String(),
  roles: Type.Array(Type.String()),
  disabled: Type.Boolean(),
  createdAt: Type.String(),
});

export const staffPlugin: FastifyPluginAsyncTypebox = async (app) => {
  const pool = app.metadata.pool;

  app.get(
    '/',
    {
      config: { permission: 'staff.manage' },
      schema: {
        querystring: Type.Object({ orgCode: Type.Optional(OrgCode) }, { additionalProperties: false }),
        response: { 200: Type.Object({ staff: Type.Array(Staff) }) },
      },
    },
    async (request) => {
      // The permissions plugin has checked ?orgCode is inside the caller's subtree.
      const node = await getOrg(pool, request.query.orgCode ?? request.principal.orgCode);
      return { staff: node ? await listStaffUnder(pool, subtreePattern(node.path)) : [] };
    },
  );

  app.get(
    '/:id',
    { config: { permission: 'staff.manage' }, schema: { params: StaffId, response: { 200: Staff } } },
    async (request) => manageableStaff(request.principal, pool, request.params.id),
  );

  app.post(
    '/',
    {
      config: { permission: 'staff.manage' },
      schema: {
        body: Type.Object(
          {
            username: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$' }),
            displayName: Type.Optional(Type.String({ maxLength: 200 })),
            orgCode: OrgCode,
            roles: RoleList,
            password: Type.String({ minLength: 1, maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Staff },
      },
    },
    async (request, reply) => reply.status(201).send(await createStaffAs(request, request.body)),
  );

  app.patch(
    '/:id',
    {
      config: { permission: 'staff.manage' },
      schema: {
        params: StaffId,
        body: Type.Object(
          {
            displayName: Type.Optional(Type.String({ maxLength: 200 })),
            roles: Type.Optional(RoleList),
            disabled: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Staff },
      },
    },
    async (request) => updateStaffAs(request, request.params.id, request.body),
  );

  app.post(
    '/:id/password',
    {
      config: { permission: 'staff.manage' },
      schema: {
        params: StaffId,
        body: Type.Object(
          { newPassword: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      await resetPasswordAs(request, request.params.id, request.body.newPassword);
      return reply.status(204).send();
    },
  );
};
