// sdk-rn under Node. React Native modules are replaced AT THE ADAPTER BOUNDARY ONLY (they cannot
// run outside a device): a fake AppState, an async Map-backed AsyncStorage, a fake NetInfo and
// a fake navigation ref are passed into the client. Delivery goes over real HTTP to a recording
// server, through the real shared core.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WireEvent } from '@tally/sdk-web/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppStateLike, AppStateStatus } from '../src/adapters.ts';
import { screenTracker, trackNavigationState } from '../src/navigation.ts';
import { TallyRn } from '../src/tally.ts';

let server: Server;
let url = '';
let fail = false;
const received: WireEvent[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (fail) {
        res.writeHead(503).end('{}');
        return;
      }
      received.push(...(JSON.parse(Buffer.concat(chunks).toString()) as { events: WireEvent[] }).events);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":1,"rejected":[]}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

class FakeAppState implements AppStateLike {
  currentState: AppStateStatus = 'active';
  private listeners: Array<(s: AppStateStatus) => void> = [];
  addEventListener(_t: 'change', l: (s: AppStateStatus) => void) {
    this.listeners.push(l);
    return {
      remove: () => {
        this.listeners = this.listeners.filter((x) => x !== l);
      },
    };
  }
  set(state: AppStateStatus) {
    this.currentState = state;
    for (const l of this.listeners) l(state);
  }
}

function asyncStorage() {
  const m = new Map<string, string>();
  return {
    map: m,
    getItem: async (k: string) => m.get(k) ?? null,
    setItem: async (k: string, v: string) => void m.set(k, v),
    removeItem: async (k: string) => void m.delete(k),
  };
}

const settle = () => new Promise((r) => setTimeout(r, 150));

it('tracks $AppStart/$AppEnd with duration, flushes on background, adds device properties', async () => {
  received.length = 0;
  const appState = new FakeAppState();
  const storage = asyncStorage();
  const t = new TallyRn({
    appKey: 'wk',
    serverUrl: url,
    storage,
    appState,
    netInfo: null,
    deviceInfo: { getVersion: () => '3.2.0', getSystemName: () => 'Android' },
    flushIntervalMs: 60_000,
  });
  await settle();
  expect(storage.map.size).toBe(0); // consent required: nothing stored yet ($AppStart dropped)
  await t.optIn();
  await t.track('Transfer', { amount: 5 });
  appState.set('background');
  await settle();
  await t.flush();
  const names = received.map((e) => e.event);
  expect(names).toEqual(['Transfer', '$AppEnd']);
  const end = received[1];
  expect(typeof end?.properties.$event_duration).toBe('number');
  expect(end?.properties).toMatchObject({ $app_version: '3.2.0', $os: 'Android', $lib: 'tally-rn' });
  appState.set('active');
  await t.flush();
  expect(received.map((e) => e.event)).toContain('$AppStart');
});

it('survives an app kill: the AsyncStorage queue is sent by the next process, and reconnect flushes', async () => {
  received.length = 0;
  const storage = asyncStorage();
  fail = true;
  const first = new TallyRn({
    appKey: 'wk',
    serverUrl: url,
    storage,
    appState: null,
    netInfo: null,
    deviceInfo: null,
  });
  await first.optIn();
  await first.track('Pending');
  await first.flush();
  fail = false;
  let reconnect: (s: { isConnected: boolean | null }) => void = () => {};
  const second = new TallyRn({
    appKey: 'wk',
    serverUrl: url,
    storage,
    appState: null,
    deviceInfo: null,
    flushIntervalMs: 60_000,
    netInfo: {
      addEventListener: (l) => {
        reconnect = l;
        return () => {};
      },
    },
  });
  await second.core.ready;
  reconnect({ isConnected: true });
  await settle();
  await second.flush();
  expect(received.map((e) => e.event)).toEqual(['Pending']);
});

it('screen tracking emits $AppViewScreen for focused route changes only', () => {
  const seen: string[] = [];
  const handler = screenTracker((_e, p) => seen.push(p.$screen_name ?? ''));
  handler({ index: 0, routes: [{ name: 'Home' }] });
  handler({ index: 0, routes: [{ name: 'Home' }] });
  handler({
    index: 1,
    routes: [{ name: 'Home' }, { name: 'Transfer', state: { routes: [{ name: 'Confirm' }] } }],
  });
  expect(seen).toEqual(['Home', 'Confirm']);
  let current = 'A';
  let fire = () => {};
  trackNavigationState(
    {
      getCurrentRoute: () => ({ name: current }),
      addListener: (_t, cb) => {
        fire = cb;
        return () => {};
      },
    },
    (_e, p) => seen.push(p.$screen_name ?? ''),
  );
  current = 'B';
  fire();
  expect(seen).toEqual(['Home', 'Confirm', 'A', 'B']);
});
