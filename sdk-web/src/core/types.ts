// Shared shapes of the SDK core: the wire event (collector wire format v1), the platform adapters
// and the init options. Types only; never holds state or behaviour.

export type PropertyValue = string | number | boolean | null | readonly string[];
export type Properties = Record<string, PropertyValue | undefined>;

export type EventType =
  | 'track'
  | 'profile_set'
  | 'profile_set_once'
  | 'profile_increment'
  | 'profile_append'
  | 'profile_unset'
  | 'profile_delete'
  | 'bind'
  | 'unbind';

/** One event exactly as it goes on the wire (see collector/docs/wire-format.md). */
export interface WireEvent {
  type: EventType;
  event?: string;
  uuid: string;
  time: number;
  distinct_id: string;
  login_id?: string;
  session_id?: string;
  properties: Record<string, PropertyValue>;
  identities?: Record<string, string>;
}

/** Key-value persistence; sync (localStorage) or async (AsyncStorage) both fit. */
export interface StorageAdapter {
  getItem(key: string): string | null | Promise<string | null>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

/** Outcome of one HTTP attempt, already classified by the transport. */
export type SendOutcome =
  | { kind: 'ok'; rejectedIndexes: readonly number[] }
  | { kind: 'retry'; status: number; retryAfterMs?: number }
  | { kind: 'final'; status: number };

export interface TransportRequest {
  url: string;
  writeKey: string;
  body: string;
}

/** Sends one serialized batch. Must resolve, never reject (network errors are `retry`). */
export interface TransportAdapter {
  send(request: TransportRequest): Promise<SendOutcome>;
  /** Fire-and-forget delivery while the page/app is going away; false when unavailable. */
  sendOnExit?(request: TransportRequest): boolean;
}

/** The clock and timers, injectable so tests can drive backoff with a fake clock. */
export interface Scheduler {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random(): number;
}

export interface CoreOptions {
  /** The app's write key from the Tally console. */
  appKey: string;
  /** Collector base URL, e.g. `https://collect.bank.example`. */
  serverUrl: string;
  /** Nothing is stored or sent before `optIn()` (default true, the banking default). */
  requireConsent?: boolean;
  /** Events per request (default 50, the collector accepts up to 1000). */
  batchSize?: number;
  /** Milliseconds between automatic flushes (default 5000). */
  flushIntervalMs?: number;
  /** Queue bound; when full the OLDEST events are dropped and counted (default 1000). */
  maxQueueSize?: number;
  /** First retry delay (default 1000 ms), doubled per attempt up to `maxRetryDelayMs`. */
  retryBaseMs?: number;
  /** Upper bound of the retry delay (default 5 minutes). */
  maxRetryDelayMs?: number;
  /** Inactivity that ends a session (default 30 minutes). */
  sessionTimeoutMs?: number;
  /** Storage key prefix (default `tally`), so two apps on one origin do not collide. */
  storagePrefix?: string;
  /** Called with SDK-internal problems; the SDK never throws into the host app. */
  onError?: (error: SdkError) => void;
}

export interface SdkError {
  code: string;
  message: string;
}

export interface Platform {
  storage: StorageAdapter;
  transport: TransportAdapter;
  scheduler?: Scheduler;
  /** Fixed properties of the platform merged into every event ($lib, $lib_version, $channel...). */
  libProperties: () => Record<string, PropertyValue>;
  /** Per-event properties from the platform (e.g. $url on the web). */
  eventProperties?: () => Record<string, PropertyValue>;
}

export interface Stats {
  sent: number;
  dropped_queue_full: number;
  rejected: number;
  dropped_final: number;
  retries: number;
  queued: number;
}
