// Turns validated events into ClickHouse rows: receive time, clock-skew correction, a uuid where
// the client sent none, user agent and client IP, org codes, preset properties moved into their
// columns, and properties split into string and numeric maps. person_id stays 0: ID-Mapping
// fills it in the ingestion writer. Never rejects: everything here was validated before.
import { randomUUID } from 'node:crypto';
import type { EventRow, IdentityOpRow, IngestBatch, ProfileOp, ProfileOpRow } from '@tally/infra/clickhouse';
import type { PropertyValue, ValidEvent } from '../batch/validate-event.ts';
import type { ParsedUserAgent } from './user-agent.ts';

export interface RequestContext {
  readonly appId: string;
  readonly defaultBankCode: string;
  readonly receiveTime: number;
  /** receive_time - sent_at, or 0 when the client sent no sent_at. */
  readonly skewMs: number;
  readonly userAgent: ParsedUserAgent;
  readonly ip: string;
}

/** Preset properties that become columns; the SDK's values win over the User-Agent's. */
const COLUMN_PROPERTIES = new Set([
  '$os',
  '$os_version',
  '$browser',
  '$browser_version',
  '$model',
  '$device_type',
  '$app_version',
  '$lib',
  '$lib_version',
  '$channel',
  '$bank_code',
  '$branch_code',
]);

const CHANNEL_BY_LIB: Record<string, string> = { 'tally-rn': 'app', 'tally-web': 'web', 'sa-js': 'web' };

/** Event time corrected for the client's clock, as received. */
export function correctedTime(event: ValidEvent, context: RequestContext): number {
  return Math.round(event.time + context.skewMs);
}

export function buildRows(events: readonly ValidEvent[], context: RequestContext): IngestBatch {
  const batch: IngestBatch = { events: [], profileOps: [], identityOps: [] };
  for (const event of events) {
    const time = correctedTime(event, context);
    const uuid = event.uuid ?? randomUUID();
    const p = event.properties;
    const str = (key: string) => {
      const v = p.get(key);
      return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
    };
    const bankCode = str('$bank_code') || context.defaultBankCode;
    const branchCode = str('$branch_code');
    if (event.type === 'track') {
      const lib = str('$lib');
      const { props, numProps } = splitProperties(p);
      const row: EventRow = {
        app_id: context.appId,
        event: event.event,
        time,
        receive_time: context.receiveTime,
        uuid,
        distinct_id: event.distinctId,
        login_id: event.loginId,
        person_id: 0,
        session_id: event.sessionId,
        bank_code: bankCode,
        branch_code: branchCode,
        channel: str('$channel') || CHANNEL_BY_LIB[lib] || '',
        lib,
        lib_version: str('$lib_version'),
        app_version: str('$app_version'),
        os: str('$os') || context.userAgent.os,
        os_version: str('$os_version') || context.userAgent.osVersion,
        browser: str('$browser') || context.userAgent.browser,
        browser_version: str('$browser_version') || context.userAgent.browserVersion,
        device_model: str('$model') || context.userAgent.deviceModel,
        device_type: str('$device_type') || context.userAgent.deviceType,
        ip: context.ip,
        props,
        num_props: numProps,
      };
      batch.events.push(row);
    } else if (event.type === 'bind' || event.type === 'unbind') {
      const row: IdentityOpRow = {
        app_id: context.appId,
        op: event.type,
        time,
        receive_time: context.receiveTime,
        uuid,
        distinct_id: event.distinctId,
        login_id: event.loginId,
        identities: Object.fromEntries(event.identities),
      };
      batch.identityOps.push(row);
    } else {
      const { props, numProps } = splitProperties(p);
      const row: ProfileOpRow = {
        app_id: context.appId,
        op: event.type as ProfileOp,
        time,
        receive_time: context.receiveTime,
        uuid,
        distinct_id: event.distinctId,
        login_id: event.loginId,
        person_id: 0,
        bank_code: bankCode,
        branch_code: branchCode,
        props,
        num_props: numProps,
      };
      batch.profileOps.push(row);
    }
  }
  return batch;
}

function splitProperties(properties: ReadonlyMap<string, PropertyValue>): {
  props: Record<string, string>;
  numProps: Record<string, number>;
} {
  // Null-prototype objects: property names come from clients.
  const props: Record<string, string> = Object.create(null);
  const numProps: Record<string, number> = Object.create(null);
  for (const [key, value] of properties) {
    if (COLUMN_PROPERTIES.has(key)) continue;
    if (typeof value === 'number') numProps[key] = value;
    else if (typeof value === 'boolean') props[key] = value ? 'true' : 'false';
    else if (Array.isArray(value)) props[key] = JSON.stringify(value);
    else props[key] = value;
  }
  return { props, numProps };
}
