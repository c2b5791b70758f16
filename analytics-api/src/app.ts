// Builds the analytics API's Fastify app without listening (tests drive it with inject()).
// Shared services are decorators on the root; each feature is an encapsulated plugin under its
// own prefix; the permissions plugin is registered before any route so that every route,
// whoever writes it, must declare a permission and is checked on every request.
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ClickHouseClient } from '@tally/infra/clickhouse';
import type { MetadataDb } from '@tally/infra/mysql';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { appsPlugin } from './apps/routes.ts';
import { auditPlugin } from './audit/routes.ts';
import { authPlugin } from './auth/routes.ts';
import { catalogPlugin } from './catalog/routes.ts';
import type { ApiConfig } from './config.ts';
import { coreDecorators } from './core-decorators.ts';
import { createKeyring } from './crypto/keyring.ts';
import { dashboardsPlugin } from './dashboards/routes.ts';
import { installErrorHandler } from './errors/error-handler.ts';
import { keepOverridesDictionaryFresh } from './identity/overrides-dictionary.ts';
import { identityPlugin } from './identity/routes.ts';
import { analysisPlugin } from './models/routes.ts';
import { orgsPlugin } from './orgs/routes.ts';
import { enforcePermissions } from './permissions/enforce-plugin.ts';
import { securityHeaders } from './security-headers.ts';
import { staffPlugin } from './staff/routes.ts';
import { tokensPlugin } from './tokens/routes.ts';

export interface BuildAppOptions {
  readonly config: ApiConfig;
  readonly clickhouse: ClickHouseClient;
  readonly metadata: MetadataDb;
  /** Fastify logger options; defaults to the configured level. */
  readonly logger?: FastifyServerOptions['logger'];
  /** PEM certificate and key: serve HTTPS instead of HTTP. */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
}

// Admin and analysis requests are small JSON documents; CSV imports are the largest (org trees).
const BODY_LIMIT_BYTES = 2 * 1024 * 1024;

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const serverOptions: FastifyServerOptions & { https?: { cert: Buffer; key: Buffer } } = {
    logger: options.logger ?? { level: config.logLevel },
    // Off unless a trusted proxy sits in front: otherwise X-Forwarded-For would let any client
    // choose the address that login throttling and the audit log record.
    trustProxy: config.trustProxy,
    bodyLimit: BODY_LIMIT_BYTES,
    // Unknown properties are refused (400), not silently dropped: a misspelt filter must not turn
    // into "no filter". coerceTypes stays on for query strings.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    ...(options.tls ? { https: { cert: options.tls.cert, key: options.tls.key } } : {}),
  };
  // The HTTPS server type differs only in the underlying node server; routes are the same.
  const app = Fastify(serverOptions).withTypeProvider<TypeBoxTypeProvider>() as unknown as FastifyInstance;
  installErrorHandler(app);
  // Root scope: services every plugin reads, cookies, and the permission gate (before any route).
  await app.register(coreDecorators, {
    config,
    clickhouse: options.clickhouse,
    metadata: options.metadata,
    keyring: createKeyring(config.secretKeys, config.identifierKeyId),
  });
  await app.register(cookie);
  await app.register(enforcePermissions);
  await app.register(securityHeaders, { hsts: options.tls !== undefined || config.cookieSecure });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Tally analytics API', version: '1', description: 'See analytics-api/docs/security.md' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'tally_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
  });

  app.get('/healthz', { config: { permission: 'public' }, schema: { hide: true } }, async () => ({
    ok: true,
  }));
  // Counts by model and outcome and the queue's state only: no bank, customer or query in a label.
  app.get('/metrics', { config: { permission: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply
      .header('content-type', app.analysisMetrics.registry.contentType)
      .send(await app.analysisMetrics.registry.metrics()),
  );
  app.get('/openapi.json', { config: { permission: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  // Security features (this file's owner).
  await app.register(authPlugin, { prefix: '/v1/auth' });
  await app.register(orgsPlugin, { prefix: '/v1/orgs' });
  await app.register(staffPlugin, { prefix: '/v1/staff' });
  await app.register(tokensPlugin, { prefix: '/v1/tokens' });
  await app.register(auditPlugin, { prefix: '/v1/audit' });
  await app.register(appsPlugin, { prefix: '/v1/apps' });
  // Product features; each sees the root decorators and must scope its queries by request.orgScope.
  await app.register(identityPlugin, { prefix: '/v1/identity' });
  await app.register(analysisPlugin, { prefix: '/v1/analysis' });
  await app.register(catalogPlugin, { prefix: '/v1/catalog' });
  await app.register(dashboardsPlugin, { prefix: '/v1/dashboards' });
  // Reloads the overrides dictionary as overrides arrive (identity/overrides-dictionary.ts).
  if (config.clickhouse.overridesReloadS > 0) {
    const periodMs = config.clickhouse.overridesReloadS * 1000;
    const stopKeeper = keepOverridesDictionaryFresh(options.clickhouse, app.log, periodMs);
    app.addHook('onClose', async () => stopKeeper());
  }
  return app;
}
