// The web client: the core plus browser adapters, auto-tracking and exit delivery (sendBeacon on
// pagehide / visibilitychange=hidden, flush when back online). Never throws into the page.
import { TallyCore } from '../core/client.ts';
import type { CoreOptions, Properties, Stats, TransportAdapter } from '../core/types.ts';
import { trackClicks } from './autotrack/click.ts';
import { trackPages } from './autotrack/pageview.ts';
import { libProperties, pageProperties } from './properties.ts';
import { browserStorage } from './storage.ts';
import { browserTransport } from './transport.ts';

export interface WebOptions extends CoreOptions {
  /** Auto-track $pageview incl. SPA route changes (default true). */
  autoPageview?: boolean;
  /** Auto-track $pageleave with $event_duration (default true). */
  autoPageleave?: boolean;
  /** Auto-track $click on `[data-tally-event]` elements (default true). */
  autoClick?: boolean;
  /** Track $SessionStart when a session begins (default true). */
  autoSessionStart?: boolean;
  /** gzip request bodies when CompressionStream exists (default true). */
  gzip?: boolean;
  /** Replace the transport (tests, custom proxies). */
  transport?: TransportAdapter;
}

export class TallyWeb {
  private readonly core: TallyCore;

  constructor(options: WebOptions) {
    this.core = new TallyCore(options, {
      storage: browserStorage(),
      transport: options.transport ?? browserTransport({ gzip: options.gzip !== false }),
      libProperties,
      eventProperties: pageProperties,
    });
    if (options.autoSessionStart !== false) this.core.onSessionStart = () => void this.track('$SessionStart');
    if (typeof window === 'undefined') return;
    const exit = () => this.core.flushOnExit();
    addEventListener('pagehide', exit);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') exit();
    });
    addEventListener('online', () => void this.core.flush());
    const track = (e: string, p?: Properties) => void this.track(e, p);
    if (options.autoPageview !== false || options.autoPageleave !== false) {
      trackPages(track, {
        pageview: options.autoPageview !== false,
        pageleave: options.autoPageleave !== false,
      });
    }
    if (options.autoClick !== false) trackClicks(track);
  }

  track(event: string, properties?: Properties): Promise<void> {
    return this.core.track(event, properties);
  }
  login(customerId: string): Promise<void> {
    return this.core.login(customerId);
  }
  logout(): Promise<void> {
    return this.core.logout();
  }
  bind(type: string, value: string): Promise<void> {
    return this.core.bind('bind', type, value);
  }
  unbind(type: string, value: string): Promise<void> {
    return this.core.bind('unbind', type, value);
  }
  register(properties: Properties): Promise<void> {
    return this.core.register(properties);
  }
  unregister(name: string): Promise<void> {
    return this.core.unregister(name);
  }
  profileSet(p: Properties): Promise<void> {
    return this.core.profile('profile_set', p);
  }
  profileSetOnce(p: Properties): Promise<void> {
    return this.core.profile('profile_set_once', p);
  }
  profileIncrement(p: Record<string, number>): Promise<void> {
    return this.core.profile('profile_increment', p);
  }
  profileAppend(p: Record<string, readonly string[]>): Promise<void> {
    return this.core.profile('profile_append', p);
  }
  profileUnset(names: readonly string[]): Promise<void> {
    return this.core.profile('profile_unset', Object.fromEntries(names.map((n) => [n, null])));
  }
  optIn(): Promise<void> {
    return this.core.optIn();
  }
  optOut(): Promise<void> {
    return this.core.optOut();
  }
  flush(): Promise<void> {
    return this.core.flush();
  }
  reset(): Promise<void> {
    return this.core.reset();
  }
  stats(): Stats {
    return this.core.stats();
  }
  distinctId(): string {
    return this.core.distinctId();
  }
}
