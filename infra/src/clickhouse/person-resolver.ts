// The seam between ingestion and ID-Mapping. The ingestion writer hands every batch to a
// PersonResolver before inserting it; the resolver fills `person_id` on every event and profile
// row and applies the batch's logins, binds and unbinds to the identity store. Implemented by
// analytics-api/src/identity; ingestion never decides who a person is.
import type { IngestBatch } from './rows.ts';

export interface PersonResolver {
  /**
   * Fill person_id on batch.events and batch.profileOps in place (never leave 0) and apply
   * identity side effects. Must be idempotent: a redelivered batch resolves to the same persons.
   */
  resolveBatch(batch: IngestBatch): Promise<void>;
}
