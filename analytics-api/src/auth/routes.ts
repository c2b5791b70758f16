// /v1/auth: password login (sets the session cookie), logout, whoami, own password change.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../errors/catalogue.ts';
import { sessionCookieName } from '../permissions/enforce-plugin.ts';
import { changeOwnPassword } from '../staff/staff-admin.ts';
import { login } from './login.ts';
import { revokeSession } from './session-store.ts';
import { Whoami, whoami } from './whoami.ts';

const Login = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

export const authPlugin: FastifyPluginAsyncTypebox = async (app) => {
  const cookieName = sessionCookieName(app.config.cookieSecure);

  app.post(
    '/login',
    { config: { permission: 'public' }, schema: { body: Login, response: { 200: Whoami } } },
    async (request, reply) => {
      const { username, password } = request.body;
      const { principal, session } = await login(request, username, password);
      // Strict: the console and API share an origin, so the cookie never needs a cross-site send.
      reply.setCookie(cookieName, session.token, {
        httpOnly: true,
        secure: app.config.cookieSecure,
        sameSite: 'strict',
        path: '/',
        expires: session.expiresAt,
      });
      return whoami(principal);
    },
  );

  app.post('/logout', { config: { permission: 'session' } }, async (request, reply) => {
    if (request.principal.sessionHash) await revokeSession(app.metadata.pool, request.principal.sessionHash);
    await request.audit('auth.logout', {});
    reply.clearCookie(cookieName, { path: '/', secure: app.config.cookieSecure, sameSite: 'strict' });
    return reply.status(204).send();
  });

  app.get(
    '/whoami',
    { config: { permission: 'session' }, schema: { response: { 200: Whoami } } },
    async (request) => whoami(request.principal),
  );

  app.post(
    '/password',
    {
      config: { permission: 'session' },
      schema: {
        body: Type.Object(
          {
            currentPassword: Type.String({ minLength: 1, maxLength: 200 }),
            newPassword: Type.String({ minLength: 1, maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      if (request.principal.kind !== 'staff')
        throw new ApiError('PERMISSION_DENIED', 'tokens have no password');
      await changeOwnPassword(request, request.body.currentPassword, request.body.newPassword);
      return reply.status(204).send();
    },
  );
};
