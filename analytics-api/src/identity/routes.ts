// Placeholder for the routes of ID-Mapping administration, so app.ts compiles before the owning engineer's plugin
// lands; replace this file. Every route must declare config.permission (see permissions/permission.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export const identityPlugin: FastifyPluginAsyncTypebox = async () => {};
