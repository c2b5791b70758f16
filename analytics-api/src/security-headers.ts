// Response headers for a bank's API: no caching of personal data by browsers or proxies, no
// MIME sniffing, no framing, no referrer leaks, and HSTS when served over TLS.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const securityHeaders = fp(
  async (app: FastifyInstance, options: { hsts: boolean }) => {
    app.addHook('onSend', async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      reply.header('x-content-type-options', 'nosniff');
      reply.header('x-frame-options', 'DENY');
      reply.header('referrer-policy', 'no-referrer');
      if (options.hsts) reply.header('strict-transport-security', 'max-age=31536000');
    });
  },
  { name: 'tally-security-headers' },
);
