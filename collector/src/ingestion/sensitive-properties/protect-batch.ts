// Encryption at rest for the ingestion writer: the batch's event and profile-operation rows with
// every property their app marked sensitive replaced by its stored form (ciphertext, or keyed
// hash + ciphertext for identifiers; see analytics-api/src/crypto/sensitive-value.ts), and bound
// identities of a marked type as keyed hash + ciphertext. Runs inside the writer, so embedded and
// Kafka mode store the same thing, and in the collector before Kafka (protecting-sink.ts);
// protecting twice is a no-op, since the stored forms are recognised. Never lets a marked
// field through in clear: without a configured key such a batch fails and is retried later.

import type { SecretKey } from '@tally/analytics-api/config';
import {
  createIdentityProtector,
  createKeyring,
  createPropertyProtector,
  type IdentityProtector,
  type PropertyProtector,
} from '@tally/analytics-api/crypto';
import type { IngestBatch } from '@tally/infra/clickhouse';
import type { MetadataDb } from '@tally/infra/mysql';

export interface BatchProtector {
  protect(batch: IngestBatch): Promise<IngestBatch>;
}

export interface SensitiveKeys {
  /** Newest first (the API's TALLY_SECRET_KEYS); empty when none is configured. */
  readonly secretKeys: readonly SecretKey[];
  readonly identifierKeyId: string;
}

export function createBatchProtector(pool: MetadataDb['pool'], keys: SensitiveKeys): BatchProtector {
  const keyring = keys.secretKeys.length > 0 ? createKeyring(keys.secretKeys, keys.identifierKeyId) : null;
  const rows: PropertyProtector = createPropertyProtector({ pool, keyring });
  const identities: IdentityProtector = createIdentityProtector({ pool, keyring });
  return {
    async protect(batch) {
      return {
        events: await rows.protect(batch.events),
        profileOps: await rows.protect(batch.profileOps),
        identityOps: await identities.protect(batch.identityOps),
      };
    },
  };
}
