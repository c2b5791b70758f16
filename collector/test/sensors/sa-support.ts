// Helpers for the Sensors Analytics tests: SA records as the SA SDKs build them, the encodings
// they use, and readers of what landed in ClickHouse and in the ID-Mapping tables. Encoders are
// written from the SA protocol (base64 of UTF-8 JSON, gzip then base64), not from our decoder.
import { gzipSync } from 'node:zlib';
import type { EmbeddedStack } from '@tally/testbed/stack';

let seq = 0;

export function saTrack(event: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  seq++;
  const now = Date.now();
  return {
    _track_id: 900_000_000 + seq,
    _flush_time: now,
    time: now - 1000,
    type: 'track',
    event,
    distinct_id: 'anon-1',
    anonymous_id: 'anon-1',
    identities: { $identity_cookie_id: 'anon-1' },
    lib: { $lib: 'js', $lib_method: 'code', $lib_version: '1.27.11' },
    properties: {
      $lib: 'js',
      $lib_version: '1.27.11',
      $os: 'Windows',
      $os_version: '10',
      $browser: 'Chrome',
      $browser_version: '120',
      $screen_width: 1920,
      $screen_height: 1080,
      $url: 'https://bank.example/home',
      $title: '首页',
      $is_first_day: true,
    },
    ...over,
  };
}

export const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
export const gzB64 = (value: unknown) =>
  gzipSync(Buffer.from(JSON.stringify(value), 'utf8')).toString('base64');

export async function rows<T>(stack: EmbeddedStack, query: string, params: Record<string, unknown> = {}) {
  const rs = await stack.clickhouse.query({
    query,
    query_params: { app: stack.appId, ...params },
    format: 'JSONEachRow',
  });
  return rs.json<T>();
}

export interface EventRowView {
  event: string;
  distinct_id: string;
  login_id: string;
  person_id: string;
  lib: string;
  channel: string;
  os: string;
  browser: string;
  time: string;
  props: Record<string, string>;
  num_props: Record<string, number>;
}

export const eventsNamed = (stack: EmbeddedStack, marker: string) =>
  rows<EventRowView>(
    stack,
    `SELECT event, distinct_id, login_id, toString(person_id) AS person_id, lib, channel, os, browser,
            toString(toUnixTimestamp64Milli(time)) AS time, props, num_props
     FROM events WHERE app_id = {app:String} AND props['marker'] = {marker:String} ORDER BY time, event`,
    { marker },
  );

export async function personId(stack: EmbeddedStack, kind: 'customer' | 'device', externalId: string) {
  const [found] = (await stack.metadata.pool.query(
    'SELECT id FROM persons WHERE app_id = ? AND kind = ? AND external_id = ?',
    [stack.appId, kind, externalId],
  )) as unknown as [Array<{ id: number | string }>];
  return found[0] ? String(found[0].id) : null;
}
