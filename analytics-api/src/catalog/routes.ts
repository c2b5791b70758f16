// Placeholder for the routes of the event and property catalogue, so app.ts compiles before the owning engineer's plugin
// lands; replace this file. Every route must declare config.permission (see permissions/permission.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export const catalogPlugin: FastifyPluginAsyncTypebox = async () => {};
