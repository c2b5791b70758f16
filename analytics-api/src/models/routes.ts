// Placeholder for the routes of the analysis models, so app.ts compiles before the owning engineer's plugin
// lands; replace this file. Every route must declare config.permission (see permissions/permission.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export const analysisPlugin: FastifyPluginAsyncTypebox = async () => {};
