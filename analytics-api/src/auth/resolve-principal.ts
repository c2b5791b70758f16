// Works out who sent a request: an API token in `Authorization: Bearer tly_...`, else a session
// cookie, else nobody. A presented credential that does not check out is an error (401), never a
// silent fall-back to anonymous, so a client learns at once that its token expired.

import type {} from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import type { Pool } from 'mysql2/promise';
// The request/instance decorators (principal, audit, metadata, cookies) are declared there.
import type {} from '../core-decorators.ts';
import type { Keyring } from '../crypto/keyring.ts';
import { ApiError } from '../errors/catalogue.ts';
import { ANONYMOUS, type Principal } from '../permissions/principal.ts';
import { permissionsOfRoles, ROLES, type Role } from '../permissions/role-matrix.ts';
import { findActiveToken, isWriteKey, TOKEN_PREFIX } from '../tokens/token-store.ts';
import { csrfTokenFor, findActiveSession, sha256Hex } from './session-store.ts';

export interface AuthContext {
  readonly pool: Pool;
  readonly keyring: Keyring;
  readonly cookieName: string;
  readonly idleTtlS: number;
}

export function parseRoles(text: string): Role[] {
  const known = new Set<string>(ROLES);
  return text.split(',').filter((r): r is Role => known.has(r));
}

export async function resolvePrincipal(request: FastifyRequest, ctx: AuthContext): Promise<Principal> {
  const authorization = request.headers.authorization;
  if (request.headers['x-tally-key'] !== undefined) throw new ApiError('WRITE_KEY_NOT_ACCEPTED');
  if (authorization !== undefined) {
    const match = /^Bearer ([\x21-\x7e]{1,200})$/.exec(authorization);
    if (!match) throw new ApiError('TOKEN_INVALID', 'expected "Authorization: Bearer tly_..."');
    const presented = match[1]!;
    if (!presented.startsWith(TOKEN_PREFIX)) {
      if (await isWriteKey(ctx.pool, presented)) throw new ApiError('WRITE_KEY_NOT_ACCEPTED');
      throw new ApiError('TOKEN_INVALID');
    }
    const token = await findActiveToken(ctx.pool, presented);
    if (!token) throw new ApiError('TOKEN_INVALID');
    // A token holds exactly its scopes. It carries no CSRF token: a browser never attaches it by
    // itself, so cross-site request forgery cannot use it.
    return {
      kind: 'token',
      id: token.id,
      name: token.label,
      orgCode: token.orgCode,
      orgPath: token.orgPath,
      orgTier: token.orgTier,
      roles: [],
      permissions: new Set([...token.scopes, 'public', 'session']),
    };
  }
  const cookie = request.cookies[ctx.cookieName];
  if (cookie === undefined || cookie === '') return ANONYMOUS;
  const tokenHash = sha256Hex(cookie);
  const session = await findActiveSession(ctx.pool, tokenHash, ctx.idleTtlS);
  if (!session) throw new ApiError('SESSION_INVALID');
  const roles = parseRoles(session.roles);
  return {
    kind: 'staff',
    id: session.staffId,
    name: session.username,
    orgCode: session.orgCode,
    orgPath: session.orgPath,
    orgTier: session.orgTier,
    roles,
    permissions: permissionsOfRoles(roles),
    csrfToken: csrfTokenFor(ctx.keyring.csrfKey, tokenHash),
    sessionHash: tokenHash,
  };
}
