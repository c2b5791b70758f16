// Imports a profile CSV (profile-csv.ts) for one app, idempotently: each accepted line becomes a
// profile_set operation whose uuid is derived from the app, the customer and the line's content,
// so importing the same file twice stores and applies it once (the second run reports the lines
// as unchanged). The derivation is keyed (HMAC with the identifier key): a line holds sensitive
// values before they are encrypted, and an unkeyed hash of it would let anyone who reads the
// stored uuid confirm a guessed phone number offline. Lines for customers outside the caller's org scope are rejected, never written.
// Lines apply in file order (a customer listed twice ends with the later line's values).
import type { ClickHouseClient, ProfileOpRow } from '@tally/infra/clickhouse';
import type { Pool } from 'mysql2/promise';
import { hashIdentifier } from '../crypto/identifier-hash.ts';
import type { Keyring } from '../crypto/keyring.ts';
import type { PropertyProtector } from '../crypto/property-protector.ts';
import { createPersonStore } from '../identity/person-store.ts';
import type { OrgScope } from '../permissions/org-scope.ts';
import { currentOrgOf } from './current-org.ts';
import { findCustomers } from './membership.ts';
import { orgInScope } from './org-in-scope.ts';
import { type ProfileLine, parseProfileCsv, type Rejection } from './profile-csv.ts';
import type { ProfileFolder } from './profile-folder.ts';
import { insertOps, storedUuids, toOpRow } from './server-ops.ts';

export interface ImportSummary {
  readonly lines: number;
  readonly applied: number;
  /** Lines stored by an earlier import of the same content. */
  readonly unchanged: number;
  readonly rejectedCount: number;
  /** The first 1,000 rejections, in line order. */
  readonly rejected: readonly Rejection[];
}

export interface ImportDeps {
  readonly pool: Pool;
  readonly clickhouse: ClickHouseClient;
  readonly folder: ProfileFolder;
  /** Encrypts the app's sensitive fields before they are stored. */
  readonly sensitive: PropertyProtector;
  /** Keys the row ids (identifier key), so a stored uuid reveals nothing about the line. */
  readonly keyring: Keyring;
}

const MAX_LISTED = 1000;

/**
 * A UUID (version 5 layout) from a keyed hash of the content, so the same line always gets the
 * same one under the same identifier key, and nobody without the key can test a guess against it.
 */
export function contentUuid(keyring: Keyring, parts: readonly string[]): string {
  const h = hashIdentifier(keyring, 'profile-import-row', parts.join('\u0000'));
  const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export async function importProfiles(
  deps: ImportDeps,
  appId: string,
  csv: string,
  scope: OrgScope,
  now = Date.now(),
): Promise<ImportSummary> {
  const { lines, rejected } = parseProfileCsv(csv);
  const rejections = [...rejected];
  const known = await findCustomers(deps.pool, appId, [...new Set(lines.map((l) => l.customerId))]);
  const currentOrg = await currentOrgOf(deps.clickhouse, appId, [...known.values()]);

  // Scope first, persons second: a refused line must not create its customer.
  const accepted: Array<{ index: number; line: ProfileLine }> = [];
  for (const [index, l] of lines.entries()) {
    const personId = known.get(l.customerId);
    const existing = personId === undefined ? undefined : currentOrg.get(personId);
    // The org the line puts the customer in, or the one they are in now.
    const bank = l.bankCode || existing?.bankCode || '';
    const branch = l.bankCode ? l.branchCode : (existing?.branchCode ?? '');
    if (!orgInScope(scope, bank, branch)) {
      rejections.push({
        line: l.line,
        field: l.bankCode ? 'bank_code' : 'customer_id',
        rule: 'the customer is outside your part of the org tree',
      });
      continue;
    }
    accepted.push({ index, line: l });
  }
  const store = createPersonStore(deps.pool);
  const persons = new Map<string, number>();
  const ids = [...new Set(accepted.map((a) => a.line.customerId))];
  for (let i = 0; i < ids.length; i += 1000)
    for (const [k, v] of await store.ensurePersons(appId, 'customer', ids.slice(i, i + 1000)))
      persons.set(k, v);

  const rows: ProfileOpRow[] = [];
  for (const { index, line: l } of accepted) {
    const personId = persons.get(l.customerId)!;
    const content = JSON.stringify([l.bankCode, l.branchCode, Object.entries(l.properties).sort()]);
    rows.push(
      toOpRow(
        appId,
        {
          op: 'profile_set',
          personId,
          loginId: l.customerId,
          properties: l.properties,
          // File order within one import; the uuid, not the time, makes a re-import a no-op.
          time: now + index,
          uuid: contentUuid(deps.keyring, ['profile-import', appId, l.customerId, content]),
          bankCode: l.bankCode,
          branchCode: l.branchCode,
        },
        now,
      ),
    );
  }
  const stored = await storedUuids(
    deps.clickhouse,
    rows.map((r) => r.uuid),
  );
  const seen = new Set<string>();
  const fresh = rows.filter((r) => {
    if (stored.has(r.uuid) || seen.has(r.uuid)) return false;
    seen.add(r.uuid);
    return true;
  });
  for (let i = 0; i < fresh.length; i += 20_000)
    await insertOps(deps.clickhouse, deps.sensitive, fresh.slice(i, i + 20_000));
  const touched = [...new Set(fresh.map((r) => r.person_id))];
  for (let i = 0; i < touched.length; i += 5000)
    await deps.folder.foldPersons(appId, touched.slice(i, i + 5000));
  rejections.sort((a, b) => a.line - b.line);
  return {
    lines: lines.length + rejected.length,
    applied: fresh.length,
    unchanged: rows.length - fresh.length,
    rejectedCount: rejections.length,
    rejected: rejections.slice(0, MAX_LISTED),
  };
}
