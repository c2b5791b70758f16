// Makes the permission catalogue binding for every route of the app:
// - onRoute: a route without `config.permission` stops the app from starting (so a new route
//   cannot skip the checks below), and every route is recorded in `app.routeCatalogue`;
// - onRequest (before the body is even parsed): who is calling, does their role or token hold the
//   route's permission, does a cookie session's state-changing call carry its CSRF token, and is a
//   requested `?orgCode=` inside the caller's subtree;
// - preHandler (after validation): `request.orgScope`, narrowed by a validated body `orgCode`.
// Never lets a route run with a principal that lacks the route's permission.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { writeAudit } from '../audit/audit-log.ts';
import { resolvePrincipal } from '../auth/resolve-principal.ts';
import { ApiError } from '../errors/catalogue.ts';
import { banksBelow, getOrg, isWithin, orgScopeForNode } from '../orgs/org-store.ts';
import type { OrgScope } from './org-scope.ts';
import { PERMISSIONS, type Permission } from './permission.ts';
import { ANONYMOUS, type Principal } from './principal.ts';

export interface RouteEntry {
  readonly method: string;
  readonly url: string;
  readonly permission: Permission;
}

const NOTHING: OrgScope = Object.freeze({ bankCodes: Object.freeze([]) as readonly string[] });
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// Scope computed from ?orgCode before the body was read, reused unless the body names another org.
const queryScope = new WeakMap<FastifyRequest, OrgScope>();

export function sessionCookieName(secure: boolean): string {
  // `__Host-` makes browsers refuse the cookie unless it is Secure, host-only and Path=/.
  return secure ? '__Host-tally_session' : 'tally_session';
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function scopeFor(request: FastifyRequest, principal: Principal, orgCode: string | undefined) {
  const pool = request.server.metadata.pool;
  const code = orgCode ?? principal.orgCode;
  const node = await getOrg(pool, code);
  if (!node || !isWithin(principal.orgPath, node.path)) {
    await request.audit('access.denied', { reason: 'org_out_of_scope', orgCode: code, url: request.url });
    throw new ApiError('ORG_OUT_OF_SCOPE', undefined, 'orgCode');
  }
  return orgScopeForNode(node, node.tier === 'prefecture' ? await banksBelow(pool, node.path) : []);
}

export const enforcePermissions = fp(
  async (app: FastifyInstance) => {
    const catalogue: RouteEntry[] = [];
    app.decorate('routeCatalogue', catalogue);
    app.decorateRequest('principal', null as unknown as Principal);
    app.decorateRequest('orgScope', null as unknown as OrgScope);
    app.decorateRequest('clientIp', '');
    app.decorateRequest(
      'audit',
      async function (this: FastifyRequest, action: string, details: Record<string, unknown>) {
        const p = this.principal ?? ANONYMOUS;
        await writeAudit(this.server.metadata.pool, {
          actor: { kind: p.kind, id: p.id, name: p.name, orgPath: p.orgPath },
          ip: this.clientIp || (this.ip ?? ''),
          action,
          details,
        });
      },
    );

    app.addHook('onRoute', (route) => {
      const permission = route.config?.permission;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      if (!permission || !(PERMISSIONS as readonly string[]).includes(permission))
        throw new Error(
          `route ${methods.join(',')} ${route.url} declares no valid config.permission; every analytics-api route must name one from permissions/permission.ts`,
        );
      for (const method of methods)
        if (method !== 'HEAD') catalogue.push({ method, url: route.url, permission });
    });

    const authContext = {
      pool: app.metadata.pool,
      keyring: app.keyring,
      cookieName: sessionCookieName(app.config.cookieSecure),
      idleTtlS: app.config.session.idleTtlS,
    };

    app.addHook('onRequest', async (request) => {
      request.clientIp = request.ip ?? '';
      const permission = request.routeOptions.config.permission;
      request.principal = ANONYMOUS;
      request.orgScope = NOTHING;
      // Unmatched URLs (404) have no permission; nothing runs for them.
      if (permission === undefined || permission === 'public') return;
      const principal = await resolvePrincipal(request, authContext);
      request.principal = principal;
      if (principal.kind === 'anonymous') throw new ApiError('NOT_AUTHENTICATED');
      if (!principal.permissions.has(permission)) {
        await request.audit('access.denied', { reason: 'permission', permission, url: request.url });
        throw new ApiError('PERMISSION_DENIED', `this needs the "${permission}" permission`);
      }
      if (principal.kind === 'staff' && !SAFE_METHODS.has(request.method)) {
        const header = request.headers['x-csrf-token'];
        if (typeof header !== 'string' || !sameToken(header, principal.csrfToken ?? '')) {
          throw new ApiError('CSRF_TOKEN_INVALID');
        }
      }
      // Checked before the body is read, for every route, whether or not its schema names orgCode.
      const raw = (request.query as Record<string, unknown> | undefined)?.orgCode;
      if (raw !== undefined) {
        if (typeof raw !== 'string')
          throw new ApiError('VALIDATION_FAILED', 'orgCode must be given once', 'orgCode');
        queryScope.set(request, await scopeFor(request, principal, raw));
      }
    });

    app.addHook('preHandler', async (request) => {
      const principal = request.principal;
      if (principal.kind === 'anonymous') return;
      const body = request.body;
      const fromBody =
        body !== null &&
        typeof body === 'object' &&
        typeof (body as { orgCode?: unknown }).orgCode === 'string'
          ? (body as { orgCode: string }).orgCode
          : undefined;
      const fromQuery = queryScope.get(request);
      request.orgScope =
        fromBody === undefined && fromQuery ? fromQuery : await scopeFor(request, principal, fromBody);
    });
  },
  { name: 'tally-enforce-permissions', dependencies: ['tally-core-decorators'] },
);
