// /v1/apps: tracked apps (list for everyone who reads metadata; create/change for platform
// admins), their SDK write keys, their sensitive fields, and applying retention now.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../errors/catalogue.ts';
import { SENSITIVE_KINDS } from '../masking/mask-value.ts';
import { loadSensitiveFields, markSensitive, unmarkSensitive } from '../masking/sensitive-fields.ts';
import { getOrg, isWithin } from '../orgs/org-store.ts';
import { ORG_CODE_PATTERN } from '../orgs/org-tiers.ts';
import { applyRetention, syncRetentionTtl } from '../retention/apply-retention.ts';
import { APP_ID_PATTERN } from '../retention/retention-ttl.ts';
import {
  createWriteKey,
  getApp,
  insertApp,
  listApps,
  listWriteKeys,
  revokeWriteKey,
  updateApp,
} from './app-store.ts';

const AppId = Type.String({ pattern: APP_ID_PATTERN.source });
const AppParam = Type.Object({ appId: AppId });
const FieldName = Type.String({ pattern: '^[$A-Za-z_][$A-Za-z0-9_.-]{0,127}$' });
const OrgCode = Type.String({ pattern: ORG_CODE_PATTERN });
const RetentionDays = Type.Integer({ minimum: 1, maximum: 36_500 });
const App = Type.Object({
  id: Type.String(),
  name: Type.String(),
  ownerOrgCode: Type.String(),
  defaultBankCode: Type.String(),
  timeZone: Type.String(),
  retentionDays: Type.Integer(),
});

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
}

export const appsPlugin: FastifyPluginAsyncTypebox = async (app) => {
  const pool = app.metadata.pool;
  const existing = async (appId: string) => {
    const found = await getApp(pool, appId);
    if (!found) throw new ApiError('APP_NOT_FOUND', appId, 'appId');
    return found;
  };

  app.get(
    '/',
    {
      config: { permission: 'metadata.read' },
      schema: { response: { 200: Type.Object({ apps: Type.Array(App) }) } },
    },
    async (request) => {
      // An app is visible to its owner's subtree and to the owner's ancestors.
      const mine = request.principal.orgPath;
      const visible = [];
      for (const a of await listApps(pool)) {
        const owner = await getOrg(pool, a.ownerOrgCode);
        if (owner && (isWithin(owner.path, mine) || isWithin(mine, owner.path))) visible.push(a);
      }
      return { apps: visible };
    },
  );

  app.post(
    '/',
    {
      config: { permission: 'app.manage' },
      schema: {
        body: Type.Object(
          {
            id: AppId,
            name: Type.String({ minLength: 1, maxLength: 200 }),
            ownerOrgCode: OrgCode,
            defaultBankCode: Type.Optional(Type.Union([OrgCode, Type.Literal('')])),
            timeZone: Type.Optional(Type.String({ pattern: '^[A-Za-z_]+(/[A-Za-z_+-]+){0,2}$' })),
            retentionDays: Type.Optional(RetentionDays),
          },
          { additionalProperties: false },
        ),
        response: { 201: App },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const owner = await getOrg(pool, b.ownerOrgCode);
      if (!owner || !isWithin(request.principal.orgPath, owner.path))
        throw new ApiError('ORG_OUT_OF_SCOPE', b.ownerOrgCode, 'ownerOrgCode');
      if (b.timeZone !== undefined && !isTimeZone(b.timeZone))
        throw new ApiError(
          'VALIDATION_FAILED',
          'timeZone must be an IANA zone such as Asia/Shanghai',
          'timeZone',
        );
      if (await getApp(pool, b.id)) throw new ApiError('APP_EXISTS', b.id, 'id');
      const info = {
        id: b.id,
        name: b.name,
        ownerOrgCode: b.ownerOrgCode,
        defaultBankCode: b.defaultBankCode ?? owner.bankCode,
        timeZone: b.timeZone ?? 'Asia/Shanghai',
        retentionDays: b.retentionDays ?? 730,
      };
      await insertApp(pool, info);
      await syncRetentionTtl(app.clickhouse, pool, app.config.clickhouse.cluster);
      await request.audit('app.create', info);
      return reply.status(201).send(info);
    },
  );

  app.patch(
    '/:appId',
    {
      config: { permission: 'app.manage' },
      schema: {
        params: AppParam,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            defaultBankCode: Type.Optional(Type.Union([OrgCode, Type.Literal('')])),
            retentionDays: Type.Optional(RetentionDays),
          },
          { additionalProperties: false },
        ),
        response: { 200: App },
      },
    },
    async (request) => {
      const before = await existing(request.params.appId);
      await updateApp(pool, before.id, request.body);
      if (request.body.retentionDays !== undefined && request.body.retentionDays !== before.retentionDays)
        await syncRetentionTtl(app.clickhouse, pool, app.config.clickhouse.cluster);
      await request.audit('app.update', { appId: before.id, before, change: request.body });
      return (await getApp(pool, before.id))!;
    },
  );

  app.get(
    '/:appId/write-keys',
    { config: { permission: 'app.manage' }, schema: { params: AppParam } },
    async (request) => ({ keys: await listWriteKeys(pool, (await existing(request.params.appId)).id) }),
  );

  app.post(
    '/:appId/write-keys',
    {
      config: { permission: 'app.manage' },
      schema: {
        params: AppParam,
        body: Type.Object(
          { label: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const target = await existing(request.params.appId);
      const created = await createWriteKey(pool, target.id, request.body.label);
      await request.audit('app.write_key_create', {
        appId: target.id,
        keyId: created.keyId,
        label: request.body.label,
      });
      return reply.status(201).send(created);
    },
  );

  app.delete(
    '/:appId/write-keys/:keyId',
    {
      config: { permission: 'app.manage' },
      schema: { params: Type.Object({ appId: AppId, keyId: Type.String({ pattern: '^[0-9a-f]{16}$' }) }) },
    },
    async (request, reply) => {
      const { appId, keyId } = request.params;
      if (!(await revokeWriteKey(pool, appId, keyId)))
        throw new ApiError('APP_NOT_FOUND', 'no such live key', 'keyId');
      await request.audit('app.write_key_revoke', { appId, keyId });
      return reply.status(204).send();
    },
  );

  app.get(
    '/:appId/sensitive-fields',
    { config: { permission: 'metadata.read' }, schema: { params: AppParam } },
    async (request) => {
      const fields = await loadSensitiveFields(pool, (await existing(request.params.appId)).id);
      return { fields: [...fields].map(([field, kind]) => ({ field, kind })) };
    },
  );

  // Marking and unmarking both need app.manage: unmarking would unmask a field for everyone.
  app.put(
    '/:appId/sensitive-fields/:field',
    {
      config: { permission: 'app.manage' },
      schema: {
        params: Type.Object({ appId: AppId, field: FieldName }),
        body: Type.Object(
          { kind: Type.Union(SENSITIVE_KINDS.map((k) => Type.Literal(k))) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const target = await existing(request.params.appId);
      await markSensitive(pool, target.id, request.params.field, request.body.kind);
      await request.audit('app.sensitive_mark', {
        appId: target.id,
        field: request.params.field,
        kind: request.body.kind,
      });
      return reply.status(204).send();
    },
  );

  app.delete(
    '/:appId/sensitive-fields/:field',
    {
      config: { permission: 'app.manage' },
      schema: { params: Type.Object({ appId: AppId, field: FieldName }) },
    },
    async (request, reply) => {
      const target = await existing(request.params.appId);
      await unmarkSensitive(pool, target.id, request.params.field);
      await request.audit('app.sensitive_unmark', { appId: target.id, field: request.params.field });
      return reply.status(204).send();
    },
  );

  app.post('/retention/apply', { config: { permission: 'app.manage' } }, async (request) => {
    const results = await applyRetention(app.clickhouse, pool, new Date(), app.config.clickhouse.cluster);
    await request.audit('data.retention_apply', { results });
    return { results };
  });
};
