// Public entry of the platform-neutral core (`@tally/sdk-web/core`), used by sdk-web and sdk-rn.
// Exports named items only; never platform code.
export { backoffDelay } from './backoff.ts';
export { TallyCore } from './client.ts';
export { defaultClientApi, type TrackingClient } from './default-client-api.ts';
export { cleanProperties } from './properties.ts';
export { classifyResponse } from './response.ts';
export { systemScheduler } from './scheduler.ts';
export { touchSession } from './session.ts';
export type {
  CoreOptions,
  EventType,
  Platform,
  Properties,
  PropertyValue,
  Scheduler,
  SdkError,
  SendOutcome,
  Stats,
  StorageAdapter,
  TransportAdapter,
  TransportRequest,
  WireEvent,
} from './types.ts';
export { uuidV4 } from './uuid.ts';
