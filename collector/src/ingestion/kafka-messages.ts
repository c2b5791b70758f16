// How an accepted batch travels through Kafka: split by person key so one person's rows share a
// partition and stay in order, one JSON message per key. Encoding and decoding live together so
// the producer and the worker cannot disagree.
import type { IngestBatch } from '@tally/infra/clickhouse';

export interface KafkaRecord {
  readonly key: string;
  readonly value: string;
}

/** Key of a row: app plus device id; a customer's rows from one device keep their order. */
function keyOf(row: { app_id: string; distinct_id: string }): string {
  return `${row.app_id}\u0000${row.distinct_id}`;
}

export function encodeBatch(batch: IngestBatch): KafkaRecord[] {
  const byKey = new Map<string, IngestBatch>();
  const slot = (key: string) => {
    let b = byKey.get(key);
    if (!b) {
      b = { events: [], profileOps: [], identityOps: [] };
      byKey.set(key, b);
    }
    return b;
  };
  for (const e of batch.events) slot(keyOf(e)).events.push(e);
  for (const p of batch.profileOps) slot(keyOf(p)).profileOps.push(p);
  for (const i of batch.identityOps) slot(keyOf(i)).identityOps.push(i);
  return [...byKey].map(([key, value]) => ({ key, value: JSON.stringify(value) }));
}

export class UndecodableMessageError extends Error {
  override readonly name = 'UndecodableMessageError';
}

export function decodeBatch(value: Buffer | null): IngestBatch {
  if (!value) throw new UndecodableMessageError('empty message');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    throw new UndecodableMessageError('message is not JSON');
  }
  const b = parsed as Partial<IngestBatch> | null;
  if (!b || !Array.isArray(b.events) || !Array.isArray(b.profileOps) || !Array.isArray(b.identityOps)) {
    throw new UndecodableMessageError(
      'message is not an ingest batch (events/profileOps/identityOps arrays)',
    );
  }
  return b as IngestBatch;
}
