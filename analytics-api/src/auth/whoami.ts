// The caller as the console sees it: identity, org node, roles, effective permissions.
import { type Static, Type } from '@sinclair/typebox';
import type { Principal } from '../permissions/principal.ts';

export const Whoami = Type.Object({
  kind: Type.Union([Type.Literal('staff'), Type.Literal('token')]),
  id: Type.String(),
  name: Type.String(),
  orgCode: Type.String(),
  orgTier: Type.String(),
  roles: Type.Array(Type.String()),
  permissions: Type.Array(Type.String()),
  csrfToken: Type.Optional(Type.String()),
});

export function whoami(p: Principal): Static<typeof Whoami> {
  return {
    kind: p.kind === 'token' ? 'token' : 'staff',
    id: p.id,
    name: p.name,
    orgCode: p.orgCode,
    orgTier: p.orgTier ?? '',
    roles: [...p.roles],
    permissions: [...p.permissions].filter((x) => x !== 'public' && x !== 'session').sort(),
    ...(p.csrfToken ? { csrfToken: p.csrfToken } : {}),
  };
}
