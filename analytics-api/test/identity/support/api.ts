// The analytics API built on an embedded stack's databases (so events arrive through the real
// collector), with the demo org tree and staff, and logged-in callers by username.
import type { EmbeddedStack } from '@tally/testbed/stack';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/app.ts';
import { seedDemoOrgAndStaff } from '../../../src/staff/seed-demo.ts';
import { testConfig } from '../../security/support/api-stack.ts';
import { type Caller, loginAs } from '../../security/support/sessions.ts';

export async function apiOn(stack: EmbeddedStack): Promise<{
  app: FastifyInstance;
  as(username: string): Promise<Caller>;
}> {
  await seedDemoOrgAndStaff(stack.metadata);
  const app = await buildApp({
    config: testConfig(),
    clickhouse: stack.clickhouse,
    metadata: stack.metadata,
    logger: false,
  });
  await app.ready();
  const callers = new Map<string, Caller>();
  return {
    app,
    async as(username) {
      let caller = callers.get(username);
      if (!caller) {
        caller = await loginAs(app, username);
        callers.set(username, caller);
      }
      return caller;
    },
  };
}
