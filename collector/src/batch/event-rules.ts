// The limits of the wire format (collector/docs/wire-format.md), named so that rejections can
// quote them. Changing one is a protocol change: update the doc and the OpenAPI schema with it.

export const EVENT_TYPES = [
  'track',
  'profile_set',
  'profile_set_once',
  'profile_increment',
  'profile_append',
  'profile_unset',
  'profile_delete',
  'bind',
  'unbind',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const NAME_PATTERN = /^[$A-Za-z_][A-Za-z0-9_$.]{0,99}$/;
export const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** Keys that would reach an object's prototype if ever assigned; refused as property names. */
export const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export const LIMITS = {
  idMaxLength: 200,
  maxProperties: 300,
  maxStringBytes: 8 * 1024,
  maxArrayItems: 100,
  maxIdentities: 10,
  futureToleranceMs: 60 * 60 * 1000,
  maxAgeMs: 2 * 365 * 24 * 60 * 60 * 1000,
} as const;
