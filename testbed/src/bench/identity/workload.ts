// The identity benchmark's workload: batches of event rows as the collector builds them, from a
// population of devices of which a share log in as customers (several devices per customer,
// some shared), so a batch mixes anonymous rows, logged-in rows and first logins. Deterministic
// (seeded); uuids are fresh per call so a batch can be inserted again as new rows.
import { randomUUID } from 'node:crypto';
import type { EventRow, IngestBatch } from '@tally/infra/clickhouse';

export interface WorkloadOptions {
  readonly events: number;
  readonly batchSize: number;
  readonly devices: number;
  readonly customers: number;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function identityWorkload(appId: string, o: WorkloadOptions): IngestBatch[] {
  const random = mulberry32(7);
  const start = Date.UTC(2026, 10, 1);
  const batches: IngestBatch[] = [];
  let batch: EventRow[] = [];
  for (let i = 0; i < o.events; i++) {
    const device = Math.floor(random() * o.devices);
    // Two devices in five belong to a customer, who is logged in on 60% of their events.
    const customer = device % 5 < 2 ? (device * 7919) % o.customers : -1;
    const login = customer >= 0 && random() < 0.6 ? `C${customer}` : '';
    batch.push(row(appId, start + i * 1000, `dev-${device}`, login));
    if (batch.length === o.batchSize) {
      batches.push({ events: batch, profileOps: [], identityOps: [] });
      batch = [];
    }
  }
  if (batch.length > 0) batches.push({ events: batch, profileOps: [], identityOps: [] });
  return batches;
}

/** A copy of the batch with new uuids and person ids cleared (to insert it again). */
export function fresh(batch: IngestBatch): IngestBatch {
  return {
    events: batch.events.map((e) => ({ ...e, uuid: randomUUID(), person_id: 0 })),
    profileOps: [],
    identityOps: [],
  };
}

function row(appId: string, time: number, distinctId: string, loginId: string): EventRow {
  return {
    app_id: appId,
    event: loginId ? 'transfer' : '$AppViewScreen',
    time,
    receive_time: Date.now(),
    uuid: randomUUID(),
    distinct_id: distinctId,
    login_id: loginId,
    person_id: 0,
    session_id: '',
    bank_code: 'B001',
    branch_code: '',
    channel: 'app',
    lib: 'tally-rn',
    lib_version: '1.0.0',
    app_version: '5.2.0',
    os: 'Android',
    os_version: '14',
    browser: '',
    browser_version: '',
    device_model: 'Mate 60',
    device_type: 'phone',
    ip: '10.0.0.1',
    props: {},
    num_props: {},
  };
}
