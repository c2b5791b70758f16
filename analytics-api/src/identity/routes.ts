// /v1/identity: find a customer (by login id, device distinct id or bound identity) with their
// devices, identities and masked profile; server-side profile operations; bind/unbind; the CSV
// profile import; data-subject deletion. Every route is scoped by request.orgScope through the
// customer's profile org codes (a customer outside the scope is "not found", so existence does
// not leak); writes and deletions are audited without personal values (keyed hashes instead).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { getApp } from '../apps/app-store.ts';
import { hashIdentifier } from '../crypto/identifier-hash.ts';
import { identityLookupKey, protectIdentities } from '../crypto/identity-protector.ts';
import { createPropertyProtector } from '../crypto/property-protector.ts';
import { ApiError } from '../errors/catalogue.ts';
import { maskRows } from '../masking/mask-row.ts';
import { loadSensitiveFields } from '../masking/sensitive-fields.ts';
import { orgInScope } from '../profiles/org-in-scope.ts';
import { createProfileFolder } from '../profiles/profile-folder.ts';
import { importProfiles } from '../profiles/profile-import.ts';
import { insertOps, type PropertyInput, toOpRow } from '../profiles/server-ops.ts';
import { deleteCustomer } from './customer-deletion.ts';
import {
  type CustomerKey,
  currentProfile,
  devicesOfPerson,
  type FoundPerson,
  findPerson,
  identitiesOf,
} from './customer-directory.ts';
import { createPersonStore } from './person-store.ts';

const AppId = Type.String({ minLength: 1, maxLength: 64 });
const ExternalId = Type.String({ minLength: 1, maxLength: 200 });
const OrgCode = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' });
const PropertyName = '^[A-Za-z_][A-Za-z0-9_$.]{0,99}$';
// Values are checked by propertyValues(), not by the schema: the app's validator coerces types
// (for query strings), which inside a union would turn 5 into "5" and ["a"] into "a".
const PropertyValue = Type.Unknown();
const OPS = ['set', 'set_once', 'increment', 'append', 'unset', 'delete'] as const;
const MAX_CSV_BYTES = 20 * 1024 * 1024;

export const identityPlugin: FastifyPluginAsyncTypebox = async (app) => {
  const pool = app.metadata.pool;
  const store = createPersonStore(pool);
  const folder = createProfileFolder({ metadata: app.metadata, clickhouse: app.clickhouse });
  const sensitive = createPropertyProtector({ pool, keyring: app.keyring });
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: MAX_CSV_BYTES }, (_req, body, done) =>
    done(null, body),
  );

  async function requireApp(appId: string): Promise<void> {
    if (!(await getApp(pool, appId))) throw new ApiError('APP_NOT_FOUND', undefined, 'appId');
  }

  /** The customer for a key if they exist and their profile is inside the caller's scope. */
  async function customerInScope(request: FastifyRequest, appId: string, key: CustomerKey) {
    await requireApp(appId);
    const person = await findPerson(pool, appId, key);
    if (!person) throw new ApiError('CUSTOMER_NOT_FOUND');
    const profile = await currentProfile(app.clickhouse, appId, person.personId);
    if (!orgInScope(request.orgScope, profile?.bankCode ?? '', profile?.branchCode ?? ''))
      throw new ApiError('CUSTOMER_NOT_FOUND');
    return { person, profile };
  }

  const keyHash = (appId: string, person: FoundPerson) =>
    hashIdentifier(app.keyring, `${appId}:${person.kind}`, person.loginId || String(person.personId));

  app.get(
    '/customers',
    {
      config: { permission: 'profile.read' },
      schema: {
        querystring: Type.Object(
          {
            appId: AppId,
            loginId: Type.Optional(ExternalId),
            distinctId: Type.Optional(ExternalId),
            idType: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            idValue: Type.Optional(ExternalId),
            unmask: Type.Optional(Type.Boolean()),
            orgCode: Type.Optional(OrgCode),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const q = request.query;
      const key: CustomerKey | null = q.loginId
        ? { loginId: q.loginId }
        : q.distinctId
          ? { distinctId: q.distinctId }
          : q.idType && q.idValue
            ? {
                idType: q.idType,
                // A marked type is stored as its keyed hash: look up by the hash of the value.
                idValue: identityLookupKey(
                  app.keyring,
                  await loadSensitiveFields(pool, q.appId),
                  q.idType,
                  q.idValue,
                ),
                legacyValue: q.idValue,
              }
            : null;
      if (!key)
        throw new ApiError(
          'VALIDATION_FAILED',
          'give loginId, distinctId, or idType with idValue',
          'loginId',
        );
      const { person, profile } = await customerInScope(request, q.appId, key);
      const row = {
        personId: person.personId,
        kind: person.kind,
        loginId: person.loginId,
        devices: await devicesOfPerson(pool, q.appId, person),
        identities: await identitiesOf(pool, q.appId, person.personId),
        bankCode: profile?.bankCode ?? '',
        branchCode: profile?.branchCode ?? '',
        firstSeen: profile?.firstSeen ?? null,
        lastSeen: profile?.lastSeen ?? null,
        props: profile?.props ?? {},
        numProps: profile?.numProps ?? {},
      };
      const [masked] = await maskRows(request, [row], await loadSensitiveFields(pool, q.appId), {
        purpose: 'profile.read',
        unmask: q.unmask === true,
        context: q.appId,
      });
      await request.audit('profile.read', { appId: q.appId, customerKeyHash: keyHash(q.appId, person) });
      return masked;
    },
  );

  app.post(
    '/profiles/ops',
    {
      config: { permission: 'profile.write' },
      schema: {
        body: Type.Object(
          {
            appId: AppId,
            loginId: ExternalId,
            op: Type.Union(OPS.map((o) => Type.Literal(o))),
            properties: Type.Record(Type.String({ pattern: PropertyName }), PropertyValue, {
              maxProperties: 300,
            }),
            /** Puts the customer in this bank/branch (must be inside the caller's scope). */
            bankCode: Type.Optional(OrgCode),
            branchCode: Type.Optional(OrgCode),
            orgCode: Type.Optional(OrgCode),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const b = request.body;
      await requireApp(b.appId);
      const known = await findPerson(pool, b.appId, { loginId: b.loginId });
      const existing = known ? await currentProfile(app.clickhouse, b.appId, known.personId) : null;
      const bank = b.bankCode ?? existing?.bankCode ?? '';
      const branch = b.bankCode ? (b.branchCode ?? '') : (existing?.branchCode ?? '');
      if (!orgInScope(request.orgScope, bank, branch)) throw new ApiError('CUSTOMER_NOT_FOUND');
      // Created only now, so a refused caller leaves no trace of the login id.
      const [personId] = (await store.ensurePersons(b.appId, 'customer', [b.loginId])).values();
      const now = Date.now();
      const row = toOpRow(
        b.appId,
        {
          op: `profile_${b.op}`,
          personId: personId!,
          loginId: b.loginId,
          properties: propertyValues(b.properties),
          ...(b.bankCode ? { bankCode: b.bankCode, branchCode: b.branchCode ?? '' } : {}),
        },
        now,
      );
      await insertOps(app.clickhouse, sensitive, [row]);
      await folder.foldPersons(b.appId, [personId!]);
      const person: FoundPerson = { personId: personId!, kind: 'customer', loginId: b.loginId };
      await request.audit('profile.write', {
        appId: b.appId,
        op: b.op,
        properties: Object.keys(b.properties),
        customerKeyHash: keyHash(b.appId, person),
      });
      return { personId: personId!, applied: true };
    },
  );

  const BindBody = Type.Object(
    {
      appId: AppId,
      loginId: ExternalId,
      idType: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,99}$' }),
      idValue: ExternalId,
      orgCode: Type.Optional(OrgCode),
    },
    { additionalProperties: false },
  );

  /** The identity as stored: keyed hash + ciphertext when its type is marked sensitive. */
  async function identityOf(b: { appId: string; idType: string; idValue: string }) {
    const sensitive = await loadSensitiveFields(pool, b.appId);
    return protectIdentities(app.keyring, sensitive, b.appId, { [b.idType]: b.idValue });
  }

  app.post(
    '/identities/bind',
    { config: { permission: 'identity.manage' }, schema: { body: BindBody } },
    async (request) => {
      const b = request.body;
      const { person } = await customerInScope(request, b.appId, { loginId: b.loginId });
      const refused = await store.bindIdentities(b.appId, person.personId, await identityOf(b));
      if (refused.length > 0) throw new ApiError('IDENTITY_TAKEN', undefined, 'idValue');
      await request.audit('identity.bind', {
        appId: b.appId,
        idType: b.idType,
        customerKeyHash: keyHash(b.appId, person),
      });
      return { bound: true };
    },
  );

  app.post(
    '/identities/unbind',
    { config: { permission: 'identity.manage' }, schema: { body: BindBody } },
    async (request) => {
      const b = request.body;
      const { person } = await customerInScope(request, b.appId, { loginId: b.loginId });
      const removed = await store.unbindIdentities(b.appId, person.personId, await identityOf(b));
      await request.audit('identity.unbind', {
        appId: b.appId,
        idType: b.idType,
        customerKeyHash: keyHash(b.appId, person),
      });
      return { unbound: removed > 0 };
    },
  );

  app.post(
    '/profiles/import',
    {
      config: { permission: 'profile.write' },
      bodyLimit: MAX_CSV_BYTES,
      schema: {
        querystring: Type.Object(
          { appId: AppId, orgCode: Type.Optional(OrgCode) },
          { additionalProperties: false },
        ),
        body: Type.String({
          description: 'text/csv: customer_id, optional bank_code/branch_code, property columns',
        }),
      },
    },
    async (request) => {
      await requireApp(request.query.appId);
      const summary = await importProfiles(
        { pool, clickhouse: app.clickhouse, folder, sensitive, keyring: app.keyring },
        request.query.appId,
        request.body,
        request.orgScope,
      );
      await request.audit('profile.import', {
        appId: request.query.appId,
        lines: summary.lines,
        applied: summary.applied,
        unchanged: summary.unchanged,
        rejected: summary.rejectedCount,
      });
      return summary;
    },
  );

  app.delete(
    '/customers/:loginId',
    {
      config: { permission: 'data.delete' },
      schema: {
        params: Type.Object({ loginId: ExternalId }),
        querystring: Type.Object(
          { appId: AppId, orgCode: Type.Optional(OrgCode) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const appId = request.query.appId;
      const { person } = await customerInScope(request, appId, { loginId: request.params.loginId });
      const customerKeyHash = keyHash(appId, person);
      const outcome = await deleteCustomer({ pool, clickhouse: app.clickhouse }, appId, person);
      await request.audit('data.delete', { appId, customerKeyHash, ...outcome });
      return { deleted: true, customerKeyHash, ...outcome };
    },
  );
};

/** The SDK's property value rules: text (<= 8 KiB), finite number, boolean, list of <= 100 texts. */
function propertyValues(properties: Record<string, unknown>): Record<string, PropertyInput> {
  const out: Record<string, PropertyInput> = Object.create(null);
  for (const [key, value] of Object.entries(properties)) {
    const ok =
      (typeof value === 'string' && value.length <= 8192) ||
      (typeof value === 'number' && Number.isFinite(value)) ||
      typeof value === 'boolean' ||
      (Array.isArray(value) &&
        value.length <= 100 &&
        value.every((v) => typeof v === 'string' && v.length <= 8192));
    if (!ok)
      throw new ApiError(
        'VALIDATION_FAILED',
        'a value is text (<= 8192 chars), a finite number, true/false or a list of <= 100 texts',
        `properties.${key}`,
      );
    out[key] = value as PropertyInput;
  }
  return out;
}
