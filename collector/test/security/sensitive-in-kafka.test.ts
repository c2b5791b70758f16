// Cluster mode keeps marked fields out of Kafka: the collector protects them before producing, so
// the raw message on the events topic (read here with a consumer of its own) holds no plaintext,
// neither in properties nor in a bound identity; the worker stores exactly what the topic holds
// (no second encryption), and a message an older producer put on the topic in clear is still
// protected by the worker before it reaches ClickHouse. Real collector, worker, chdb, MariaDB and
// librdkafka's mock broker.
import { randomUUID } from 'node:crypto';
import { createKeyring, revealValue } from '@tally/analytics-api/crypto';
import type { IngestBatch } from '@tally/infra/clickhouse';
import { type EmbeddedStack, STACK_SECRET_KEY, startEmbeddedStack } from '@tally/testbed/stack';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBatch } from '../../src/ingestion/kafka-messages.ts';
import { createBatchProtector } from '../../src/ingestion/sensitive-properties/protect-batch.ts';
import { createProtectingSink } from '../../src/ingestion/sensitive-properties/protecting-sink.ts';
import { type EventSink, SinkUnavailableError } from '../../src/ingestion/sink.ts';
import { toIngestBatch } from '../ingestion/wire-to-rows.ts';

let stack: EmbeddedStack;
let kafka: Kafka;
const ring = createKeyring([{ id: 'k1', key: STACK_SECRET_KEY }], 'k1');
const reveal = (field: string, stored: string) => revealValue(ring, { appId: stack.appId, field }, stored);

beforeAll(async () => {
  stack = await startEmbeddedStack({ mode: 'kafka', partitions: 2 });
  await stack.metadata.pool.query(
    "INSERT INTO sensitive_fields (app_id, field, kind) VALUES (?, 'phone', 'phone'), (?, 'name', 'name')",
    [stack.appId, stack.appId],
  );
  kafka = new Kafka({
    clientId: 'kafka-reader',
    brokers: [...stack.kafkaBootstrap],
    logLevel: logLevel.NOTHING,
  });
  // The collector and the worker cache the field list for up to 5 s.
  await new Promise((r) => setTimeout(r, 5_500));
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

/** Every message on the events topic so far, as text. */
async function topicMessages(expectAtLeast: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: 'tally.events', fromBeginning: true });
  const values: string[] = [];
  await consumer.run({
    eachMessage: async ({ message }) => void values.push(message.value?.toString('utf8') ?? ''),
  });
  const deadline = Date.now() + 30_000;
  while (values.length < expectAtLeast && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  await consumer.disconnect();
  return values;
}

async function storedProps(distinctId: string): Promise<Record<string, string>> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const result = await stack.clickhouse.query({
      query: 'SELECT props FROM events WHERE distinct_id = {d:String}',
      query_params: { d: distinctId },
      format: 'JSONEachRow',
    });
    const rows = await result.json<{ props: Record<string, string> }>();
    if (rows[0]) return rows[0].props;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no stored event for ${distinctId}`);
}

describe('sensitive fields in Kafka', () => {
  it('the topic holds only the protected form, and the worker stores it unchanged', async () => {
    const res = await fetch(`${stack.collectorUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tally-key': stack.writeKey },
      body: JSON.stringify({
        events: [
          {
            event: 'transfer',
            uuid: randomUUID(),
            time: Date.now(),
            distinct_id: 'kin-d1',
            login_id: 'KIN-C1',
            properties: { phone: '13512345678', name: '王五', amount: 3 },
          },
          {
            type: 'bind',
            uuid: randomUUID(),
            time: Date.now(),
            distinct_id: 'kin-d1',
            login_id: 'KIN-C1',
            identities: { phone: '13687654321' },
          },
        ],
      }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const messages = (await topicMessages(1)).filter((m) => m.includes('kin-d1'));
    expect(messages.length).toBeGreaterThan(0);
    const raw = messages.join('\n');
    expect(raw).not.toMatch(/13512345678|王五|13687654321|\\u738b/);
    const message = JSON.parse(messages[0]!) as {
      events: Array<{ props: Record<string, string> }>;
      identityOps: Array<{ identities: Record<string, string> }>;
    };
    const onTopic = message.events[0]!.props;
    expect(onTopic.phone).toMatch(/^hid:v1:k1:[0-9a-f]{64}:enc:v1:k1:/);
    expect(onTopic.name).toMatch(/^enc:v1:k1:/);
    expect(message.identityOps[0]!.identities.phone).toMatch(/^hid:v1:k1:[0-9a-f]{64}:enc:v1:k1:/);

    const stored = await storedProps('kin-d1');
    // Byte-identical: the worker recognised the protected form and did not encrypt it again.
    expect(stored.phone).toBe(onTopic.phone);
    expect(stored.name).toBe(onTopic.name);
    expect(reveal('phone', stored.phone!)).toBe('13512345678');
    expect(reveal('name', stored.name!)).toBe('王五');
    const [identities] = (await stack.metadata.pool.query(
      "SELECT id_value, sealed_value FROM person_identities WHERE app_id = ? AND id_type = 'phone'",
      [stack.appId],
    )) as unknown as [Array<{ id_value: string; sealed_value: string }>];
    expect(identities).toHaveLength(1);
    expect(String(identities[0]!.id_value)).toMatch(/^hid:v1:k1:[0-9a-f]{64}$/);
    expect(reveal('phone', String(identities[0]!.sealed_value))).toBe('13687654321');
  }, 120_000);

  it('the worker still protects a message an older producer sent in clear', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const batch = toIngestBatch(stack.appId, [
      {
        type: 'track',
        event: 'transfer',
        uuid: randomUUID(),
        time: Date.now(),
        distinct_id: 'kin-old',
        properties: { phone: '13511112222', name: '赵六', $bank_code: 'B001' },
      },
    ]);
    await producer.send({
      topic: 'tally.events',
      acks: -1,
      messages: encodeBatch(batch).map((r) => ({ key: r.key, value: r.value })),
    });
    await producer.disconnect();
    const stored = await storedProps('kin-old');
    expect(JSON.stringify(stored)).not.toMatch(/13511112222|赵六/);
    expect(stored.phone).toMatch(/^hid:v1:k1:[0-9a-f]{64}:enc:v1:k1:/);
    expect(reveal('phone', stored.phone!)).toBe('13511112222');
    expect(reveal('name', stored.name!)).toBe('赵六');
  }, 120_000);

  it('without a key, a batch with a marked field is refused as retryable (503) and never produced', async () => {
    const produced: IngestBatch[] = [];
    const recording: EventSink = {
      submit: async (batch) => void produced.push(batch),
      pending: () => 0,
      ready: () => true,
      close: async () => undefined,
    };
    // The marks are read from the stack's MariaDB; no key is configured.
    const sink = createProtectingSink(
      recording,
      createBatchProtector(stack.metadata.pool, { secretKeys: [], identifierKeyId: '' }),
    );
    const marked = toIngestBatch(stack.appId, [
      {
        type: 'track',
        event: 'transfer',
        uuid: randomUUID(),
        time: Date.now(),
        distinct_id: 'kin-nokey',
        properties: { phone: '13599990000' },
      },
    ]);
    const error = await sink.submit(marked).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SinkUnavailableError);
    expect((error as Error).message).toMatch(/TALLY_SECRET_KEYS/);
    expect(produced).toEqual([]);
    // An app without marked fields is produced unchanged.
    const unmarked = toIngestBatch('no-marks-app', [
      {
        type: 'track',
        event: 'transfer',
        uuid: randomUUID(),
        time: Date.now(),
        distinct_id: 'kin-free',
        properties: { phone: '13599990000' },
      },
    ]);
    await sink.submit(unmarked);
    expect(produced).toEqual([unmarked]);
  });
});
