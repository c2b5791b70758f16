import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/core/backoff.ts';
import { TallyCore } from '../../src/core/client.ts';
import type { CoreOptions } from '../../src/core/types.ts';
import { type RecordingServer, startRecordingServer } from '../recording-server.ts';
import { FakeClock, fetchTransport, MemoryStorage } from './harness.ts';

let server: RecordingServer;
let clock: FakeClock;
let storage: MemoryStorage;

beforeEach(async () => {
  server = await startRecordingServer();
  clock = new FakeClock();
  storage = new MemoryStorage();
});
afterEach(() => server.close());

function client(opts: Partial<CoreOptions> = {}, onSend?: () => void): TallyCore {
  return new TallyCore(
    { appKey: 'wk_test', serverUrl: server.url, batchSize: 10, ...opts },
    {
      storage,
      transport: fetchTransport(onSend),
      scheduler: clock,
      libProperties: () => ({ $lib: 'test', $lib_version: '0', $channel: 'test' }),
    },
  );
}
const sent = () => server.batches.flatMap((b) => b.events);

describe('consent', () => {
  it('stores and sends nothing before optIn, then works after', async () => {
    const t = client();
    await t.track('Before');
    await t.register({ a: 'x' });
    await t.flush();
    expect(storage.data.size).toBe(0);
    expect(server.batches).toHaveLength(0);
    await t.optIn();
    await t.track('After');
    await t.flush();
    expect(sent().map((e) => e.event)).toEqual(['After']);
    expect(server.batches[0]?.key).toBe('wk_test');
  });

  it('optOut drops the queue and stored data and stops collection', async () => {
    const t = client();
    await t.optIn();
    await t.track('A');
    expect(t.stats().queued).toBe(1);
    await t.optOut();
    await t.track('B');
    await t.flush();
    expect(server.batches).toHaveLength(0);
    expect(storage.data.size).toBe(0);
    expect(t.stats().queued).toBe(0);
  });
});

describe('queue and delivery', () => {
  it('keeps order and persists the queue before sending', async () => {
    let queueAtSend: string | null = null;
    const t = client({}, () => {
      queueAtSend = storage.data.get('tally_queue') ?? null;
    });
    await t.optIn();
    for (const e of ['A', 'B', 'C']) await t.track(e);
    await t.flush();
    expect(sent().map((e) => e.event)).toEqual(['A', 'B', 'C']);
    expect(JSON.parse(queueAtSend ?? '[]').map((e: { event: string }) => e.event)).toEqual(['A', 'B', 'C']);
    expect(JSON.parse(storage.data.get('tally_queue') ?? 'null')).toEqual([]);
    expect(server.batches[0]?.sent_at).toBe(clock.time);
    expect(t.stats().sent).toBe(3);
  });

  it('restores a persisted queue in a new client (reload / app kill)', async () => {
    const a = client();
    await a.optIn();
    await a.track('Pending');
    const b = client();
    await b.flush();
    expect(sent().map((e) => e.event)).toEqual(['Pending']);
  });

  it('retries 503 with backoff, keeping the same uuids', async () => {
    server.replies.push({ status: 503 }, { status: 503 });
    const t = client({ retryBaseMs: 1000 });
    await t.optIn();
    await t.track('X');
    await t.flush();
    expect(clock.pendingDelays()).toEqual([backoffDelay(1, 1000, 300_000, () => 0.5)]);
    clock.advance(750);
    await t.flush().then(() => new Promise((r) => setTimeout(r, 50)));
    expect(clock.pendingDelays()).toEqual([1500]);
    clock.advance(1500);
    await new Promise((r) => setTimeout(r, 100));
    await t.flush();
    const uuids = server.batches.map((b) => b.events[0]?.uuid);
    expect(uuids).toHaveLength(3);
    expect(new Set(uuids).size).toBe(1);
    expect(t.stats()).toMatchObject({ retries: 2, sent: 1, queued: 0 });
  });

  it('treats per-event rejections and 4xx as final', async () => {
    server.replies.push(
      { status: 200, body: { accepted: 1, rejected: [{ index: 1, code: 'EVENT_NAME_INVALID' }] } },
      { status: 401, body: { error: { code: 'KEY' } } },
    );
    const t = client();
    await t.optIn();
    await t.track('A');
    await t.track('B');
    await t.flush();
    await t.track('C');
    await t.flush();
    await t.flush();
    expect(server.batches).toHaveLength(2);
    expect(t.stats()).toMatchObject({ sent: 1, rejected: 1, dropped_final: 1, retries: 0, queued: 0 });
  });

  it('drops the oldest events when the queue is full and counts them', async () => {
    const t = client({ maxQueueSize: 3, batchSize: 100 });
    await t.optIn();
    for (const e of ['E1', 'E2', 'E3', 'E4', 'E5']) await t.track(e);
    await t.flush();
    expect(sent().map((e) => e.event)).toEqual(['E3', 'E4', 'E5']);
    expect(t.stats().dropped_queue_full).toBe(2);
  });

  it('flushes on its own when the batch is full or the interval passes', async () => {
    const t = client({ batchSize: 2, flushIntervalMs: 5000 });
    await t.optIn();
    await t.track('A');
    await t.track('B');
    await new Promise((r) => setTimeout(r, 100));
    expect(sent()).toHaveLength(2);
    await t.track('C');
    clock.advance(5000);
    await new Promise((r) => setTimeout(r, 100));
    expect(sent().map((e) => e.event)).toEqual(['A', 'B', 'C']);
  });
});

describe('identity, super properties, sessions', () => {
  it('login sends $Login with login_id, logout sends $Logout then clears it', async () => {
    const t = client();
    await t.optIn();
    const anon = t.distinctId();
    await t.track('Anon');
    await t.login('C0001');
    await t.track('In');
    await t.logout();
    await t.track('Out');
    await t.flush();
    const events = sent();
    expect(events.map((e) => [e.event, e.login_id])).toEqual([
      ['Anon', undefined],
      ['$Login', 'C0001'],
      ['In', 'C0001'],
      ['$Logout', 'C0001'],
      ['Out', undefined],
    ]);
    expect(new Set(events.map((e) => e.distinct_id))).toEqual(new Set([anon]));
  });

  it('bind, profile ops and super properties are on the wire', async () => {
    const t = client();
    await t.optIn();
    await t.register({ $bank_code: 'B001', tmp: 1 });
    await t.unregister('tmp');
    await t.track('T', { amount: 5 });
    await t.bind('bind', 'union_customer_no', 'U1');
    await t.profile('profile_increment', { transfers: 1 });
    await t.flush();
    const [track, bind, profile] = sent();
    expect(track?.properties).toMatchObject({ $bank_code: 'B001', amount: 5, $lib: 'test' });
    expect(track?.properties.tmp).toBeUndefined();
    expect(bind).toMatchObject({ type: 'bind', identities: { union_customer_no: 'U1' } });
    expect(profile).toMatchObject({ type: 'profile_increment', properties: { transfers: 1 } });
  });

  it('starts a new session after 30 minutes of inactivity', async () => {
    const t = client();
    await t.optIn();
    await t.track('A');
    clock.advance(29 * 60_000);
    await t.track('B');
    clock.advance(31 * 60_000);
    await t.track('C');
    await t.flush();
    const [a, b, c] = sent();
    expect(a?.session_id).toBe(b?.session_id);
    expect(c?.session_id).not.toBe(b?.session_id);
  });

  it('reset gives a new anonymous id', async () => {
    const t = client();
    await t.optIn();
    const before = t.distinctId();
    await t.reset();
    expect(t.distinctId()).not.toBe(before);
  });
});
