// The platform-neutral Tally client: consent, identity, super properties, sessions and profile
// operations turned into wire events, queued, persisted and delivered. Platforms subclass nothing;
// they pass adapters. Every public method is guarded: it never throws into the host app.
import { Delivery } from './delivery.ts';
import { type Identity, newIdentity } from './identity.ts';
import { cleanProperties } from './properties.ts';
import { EventQueue } from './queue.ts';
import { systemScheduler } from './scheduler.ts';
import { type SessionState, touchSession } from './session.ts';
import { createStats } from './stats.ts';
import { Store } from './store.ts';
import type {
  CoreOptions,
  EventType,
  Platform,
  Properties,
  PropertyValue,
  Scheduler,
  SdkError,
  Stats,
  WireEvent,
} from './types.ts';
import { uuidV4 } from './uuid.ts';

export class TallyCore {
  readonly ready: Promise<void>;
  private readonly scheduler: Scheduler;
  private readonly counters: Stats = createStats();
  private readonly queue: EventQueue;
  private readonly store: Store;
  private readonly delivery: Delivery;
  private identity: Identity = newIdentity();
  private superProps: Record<string, PropertyValue> = {};
  private session: SessionState | null = null;
  private consented: boolean;
  private optedOut = false;
  private flushTimer: unknown = null;
  /** Hook for platforms: called when a new session begins (web emits $SessionStart). */
  onSessionStart: (() => void) | null = null;

  constructor(
    private readonly options: CoreOptions,
    private readonly platform: Platform,
  ) {
    this.scheduler = platform.scheduler ?? systemScheduler();
    this.consented = options.requireConsent === false;
    this.store = new Store(platform.storage, options.storagePrefix ?? 'tally', (e) => this.report(e));
    this.queue = new EventQueue(options.maxQueueSize ?? 1000, this.counters);
    this.delivery = new Delivery(
      {
        url: `${options.serverUrl.replace(/\/+$/, '')}/v1/batch`,
        writeKey: options.appKey,
        batchSize: options.batchSize ?? 50,
        retryBaseMs: options.retryBaseMs ?? 1000,
        maxRetryDelayMs: options.maxRetryDelayMs ?? 300_000,
      },
      this.queue,
      platform.transport,
      this.scheduler,
      this.counters,
      () => this.store.write('queue', this.queue.snapshot()),
    );
    this.ready = this.load().catch((e: unknown) => this.report({ code: 'LOAD_FAILED', message: String(e) }));
  }

  private report(error: SdkError): void {
    try {
      this.options.onError?.(error);
    } catch {
      // A failing error callback must not break tracking.
    }
  }

  private async load(): Promise<void> {
    const consent = await this.store.read<boolean>('consent');
    if (consent === true) this.consented = true;
    if (consent === false) this.optedOut = true;
    if (this.optedOut) this.consented = false;
    if (!this.consented) return;
    await this.restore();
  }

  private async restore(): Promise<void> {
    this.store.writable = true;
    const [identity, props, session, queued] = await Promise.all([
      this.store.read<Identity>('identity'),
      this.store.read<Record<string, PropertyValue>>('props'),
      this.store.read<SessionState>('session'),
      this.store.read<WireEvent[]>('queue'),
    ]);
    if (identity?.distinct_id) this.identity = identity;
    if (props) this.superProps = props;
    if (session) this.session = session;
    if (Array.isArray(queued)) this.queue.restore(queued);
    await this.store.write('identity', this.identity);
    if (this.queue.size > 0) this.scheduleFlush();
  }

  /** Runs `fn` once storage is loaded, swallowing and reporting any error. */
  protected guard(name: string, fn: () => void | Promise<void>): Promise<void> {
    return this.ready
      .then(fn)
      .catch((e: unknown) => this.report({ code: 'SDK_INTERNAL', message: `${name} failed: ${String(e)}` }));
  }

  private enqueue(
    type: EventType,
    fields: Partial<WireEvent>,
    properties: Record<string, PropertyValue>,
  ): void {
    if (!this.consented) return;
    const now = this.scheduler.now();
    const { session, started } = touchSession(
      this.session,
      now,
      this.options.sessionTimeoutMs ?? 1_800_000,
      this.scheduler.random,
    );
    this.session = session;
    void this.store.write('session', session);
    if (started && type === 'track' && fields.event !== '$SessionStart') this.onSessionStart?.();
    const event: WireEvent = {
      type,
      ...fields,
      uuid: uuidV4(),
      time: now,
      distinct_id: this.identity.distinct_id,
      session_id: session.id,
      properties,
    };
    if (this.identity.login_id) event.login_id = this.identity.login_id;
    this.queue.push(event);
    if (this.queue.size >= (this.options.batchSize ?? 50)) void this.flush();
    else {
      void this.store.write('queue', this.queue.snapshot());
      this.scheduleFlush();
    }
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== null) return;
    this.flushTimer = this.scheduler.setTimeout(() => {
      this.flushTimer = null;
      void this.flush();
    }, this.options.flushIntervalMs ?? 5000);
  }

  /** Queues an event. @example core.track('TransferSubmit', { amount: 5000 }) */
  track(event: string, properties?: Properties): Promise<void> {
    return this.guard('track', () => {
      const own = cleanProperties(properties, (e) => this.report(e));
      const platformProps = this.platform.eventProperties?.() ?? {};
      this.enqueue(
        'track',
        { event },
        { ...platformProps, ...this.superProps, ...own, ...this.platform.libProperties() },
      );
    });
  }

  /** Sets login_id and sends $Login. @example core.login('C000123456') */
  login(loginId: string): Promise<void> {
    return this.guard('login', async () => {
      if (!loginId || loginId === this.identity.login_id) return;
      this.identity = { ...this.identity, login_id: loginId };
      await this.store.write('identity', this.identity);
      await this.track('$Login');
    });
  }

  /** Sends $Logout, then clears login_id; distinct_id is kept. @example core.logout() */
  logout(): Promise<void> {
    return this.guard('logout', async () => {
      if (!this.identity.login_id) return;
      await this.track('$Logout');
      this.identity = { distinct_id: this.identity.distinct_id };
      await this.store.write('identity', this.identity);
    });
  }

  /** Binds/unbinds an identity. @example core.bind('bind', 'union_customer_no', 'U1') */
  bind(kind: 'bind' | 'unbind', idType: string, value: string): Promise<void> {
    return this.guard(kind, () => {
      this.enqueue(kind, { identities: { [idType]: value } }, {});
    });
  }

  /** Queues a profile operation. @example core.profile('profile_set', { level: 'gold' }) */
  profile(type: Exclude<EventType, 'track' | 'bind' | 'unbind'>, properties?: Properties): Promise<void> {
    return this.guard(type, () => {
      this.enqueue(
        type,
        {},
        cleanProperties(properties, (e) => this.report(e)),
      );
    });
  }

  /** Adds super properties. @example core.register({ $bank_code: 'B001' }) */
  register(properties: Properties): Promise<void> {
    return this.guard('register', async () => {
      this.superProps = { ...this.superProps, ...cleanProperties(properties, (e) => this.report(e)) };
      await this.store.write('props', this.superProps);
    });
  }

  /** Removes a super property. @example core.unregister('$bank_code') */
  unregister(name: string): Promise<void> {
    return this.guard('unregister', async () => {
      delete this.superProps[name];
      await this.store.write('props', this.superProps);
    });
  }

  /** Grants consent: storage and sending start. @example core.optIn() */
  optIn(): Promise<void> {
    return this.guard('optIn', async () => {
      if (this.consented) return;
      this.consented = true;
      this.optedOut = false;
      await this.store.write('consent', true, true);
      await this.restore();
    });
  }

  /** Withdraws consent: drops the queue and stored data. @example core.optOut() */
  optOut(): Promise<void> {
    return this.guard('optOut', async () => {
      this.consented = false;
      this.optedOut = true;
      this.store.writable = false;
      this.queue.clear();
      this.delivery.cancel();
      if (this.flushTimer !== null) this.scheduler.clearTimeout(this.flushTimer);
      this.flushTimer = null;
      await this.store.clear();
      // Remember the refusal only when consent is not required anyway (else absence means "no").
      if (this.options.requireConsent === false) await this.store.write('consent', false, true);
    });
  }

  /** Sends queued events now, skipping any backoff wait. @example await core.flush() */
  flush(): Promise<void> {
    return this.guard('flush', async () => {
      if (this.flushTimer !== null) this.scheduler.clearTimeout(this.flushTimer);
      this.flushTimer = null;
      if (this.consented) await this.delivery.flush(true);
    });
  }

  /** Sends the queue with the platform's exit transport (page hide, app background). */
  flushOnExit(): void {
    try {
      if (this.consented) this.delivery.flushOnExit();
    } catch (e) {
      this.report({ code: 'SDK_INTERNAL', message: `flushOnExit failed: ${String(e)}` });
    }
  }

  /** New anonymous id; clears login, super properties, session. @example core.reset() */
  reset(): Promise<void> {
    return this.guard('reset', async () => {
      this.identity = newIdentity();
      this.superProps = {};
      this.session = null;
      await this.store.write('identity', this.identity);
      await this.store.write('props', {});
      await this.store.write('session', null);
    });
  }

  /** Delivery counters. @example core.stats().dropped_queue_full */
  stats(): Stats {
    return { ...this.counters };
  }

  /** The anonymous device id. @example core.distinctId() */
  distinctId(): string {
    return this.identity.distinct_id;
  }

  /** The customer id after login. @example core.loginId() */
  loginId(): string | undefined {
    return this.identity.login_id;
  }

  /** Whether collection is allowed. @example core.hasConsent() */
  hasConsent(): boolean {
    return this.consented;
  }
}
