// Encryption at rest in cluster mode: the collector produces to Kafka (librdkafka's mock broker)
// and the ingestion worker process writes, through the same writer as embedded mode. A phone
// number and a name sent through that path are stored protected, never in clear, and read back
// in clear with the stack's key.
import { randomUUID } from 'node:crypto';
import { type EmbeddedStack, STACK_SECRET_KEY, startEmbeddedStack } from '@tally/testbed/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyring } from '../../src/crypto/keyring.ts';
import { revealValue } from '../../src/crypto/sensitive-value.ts';
import { markSensitive } from '../../src/masking/sensitive-fields.ts';

describe('sensitive properties at rest, Kafka mode', () => {
  let stack: EmbeddedStack;
  beforeAll(async () => {
    stack = await startEmbeddedStack({ mode: 'kafka', partitions: 2 });
    await markSensitive(stack.metadata.pool, stack.appId, 'phone', 'phone');
    await markSensitive(stack.metadata.pool, stack.appId, 'name', 'name');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('stores the worker-written rows protected', async () => {
    // The worker caches the field list for up to 5 s.
    await new Promise((r) => setTimeout(r, 5_500));
    const res = await fetch(`${stack.collectorUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tally-key': stack.writeKey },
      body: JSON.stringify({
        events: [
          {
            event: 'transfer',
            uuid: randomUUID(),
            time: Date.now(),
            distinct_id: 'kafka-d1',
            properties: { phone: '13512345678', name: '王五', amount: 3 },
          },
        ],
      }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    let rows: Array<{ props: Record<string, string> }> = [];
    const deadline = Date.now() + 60_000;
    while (rows.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      const result = await stack.clickhouse.query({
        query: "SELECT props FROM events WHERE distinct_id = 'kafka-d1'",
        format: 'JSONEachRow',
      });
      rows = await result.json();
    }
    expect(rows).toHaveLength(1);
    const props = rows[0]!.props;
    expect(JSON.stringify(props)).not.toMatch(/13512345678|王五/);
    expect(props.phone).toMatch(/^hid:v1:k1:[0-9a-f]{64}:enc:v1:k1:/);
    const ring = createKeyring([{ id: 'k1', key: STACK_SECRET_KEY }], 'k1');
    expect(revealValue(ring, { appId: stack.appId, field: 'phone' }, props.phone!)).toBe('13512345678');
    expect(revealValue(ring, { appId: stack.appId, field: 'name' }, props.name!)).toBe('王五');
  });
});
