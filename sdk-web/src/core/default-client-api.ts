// The module-level API both SDKs export (`init`, `track`, `login`, ...): one default client created
// by init(), every call forwarded to it. Platforms pass only how to construct their client.
// Calls before init() are ignored and never throw.
import type { Properties, Stats } from './types.ts';

/** What every platform client offers (TallyWeb, TallyRn). */
export interface TrackingClient {
  track(event: string, properties?: Properties): Promise<void>;
  login(customerId: string): Promise<void>;
  logout(): Promise<void>;
  bind(type: string, value: string): Promise<void>;
  unbind(type: string, value: string): Promise<void>;
  register(properties: Properties): Promise<void>;
  unregister(name: string): Promise<void>;
  profileSet(p: Properties): Promise<void>;
  profileSetOnce(p: Properties): Promise<void>;
  profileIncrement(p: Record<string, number>): Promise<void>;
  profileAppend(p: Record<string, readonly string[]>): Promise<void>;
  profileUnset(names: readonly string[]): Promise<void>;
  optIn(): Promise<void>;
  optOut(): Promise<void>;
  flush(): Promise<void>;
  reset(): Promise<void>;
  stats(): Stats;
}

export function defaultClientApi<Client extends TrackingClient, Options>(
  create: (options: Options) => Client,
) {
  let client: Client | null = null;
  const done = Promise.resolve();
  return {
    /** Creates the default client. @example init({ appKey: 'wk_...', serverUrl: 'https://collect.bank.cn' }) */
    init(options: Options): Client | null {
      try {
        if (!client) client = create(options);
        return client;
      } catch {
        return null;
      }
    },
    /** Records an event. @example track('TransferSubmit', { amount: 5000 }) */
    track: (event: string, properties?: Properties) => client?.track(event, properties) ?? done,
    /** Sets the customer id and sends $Login. @example login('C000123456') */
    login: (customerId: string) => client?.login(customerId) ?? done,
    /** Sends $Logout and clears the customer id (device id kept). @example logout() */
    logout: () => client?.logout() ?? done,
    /** Binds another identity. @example bind('union_customer_no', 'U1') */
    bind: (type: string, value: string) => client?.bind(type, value) ?? done,
    /** Unbinds an identity. @example unbind('union_customer_no', 'U1') */
    unbind: (type: string, value: string) => client?.unbind(type, value) ?? done,
    /** Super properties added to every event. @example register({ $bank_code: 'B001' }) */
    register: (properties: Properties) => client?.register(properties) ?? done,
    /** Removes a super property. @example unregister('$bank_code') */
    unregister: (name: string) => client?.unregister(name) ?? done,
    /** Sets profile fields. @example profileSet({ level: 'gold' }) */
    profileSet: (p: Properties) => client?.profileSet(p) ?? done,
    /** Sets profile fields only if unset. @example profileSetOnce({ first_channel: 'h5' }) */
    profileSetOnce: (p: Properties) => client?.profileSetOnce(p) ?? done,
    /** Adds to numeric profile fields. @example profileIncrement({ transfers: 1 }) */
    profileIncrement: (p: Record<string, number>) => client?.profileIncrement(p) ?? done,
    /** Appends to list profile fields. @example profileAppend({ products: ['fund'] }) */
    profileAppend: (p: Record<string, readonly string[]>) => client?.profileAppend(p) ?? done,
    /** Removes profile fields. @example profileUnset(['level']) */
    profileUnset: (names: readonly string[]) => client?.profileUnset(names) ?? done,
    /** Gives consent: storage and sending start. @example optIn() */
    optIn: () => client?.optIn() ?? done,
    /** Withdraws consent: stops collection, drops the queue and stored data. @example optOut() */
    optOut: () => client?.optOut() ?? done,
    /** Sends queued events now. @example await flush() */
    flush: () => client?.flush() ?? done,
    /** New anonymous id, clears login and super properties. @example reset() */
    reset: () => client?.reset() ?? done,
    /** Delivery counters. @example stats()?.dropped_queue_full */
    stats: (): Stats | null => client?.stats() ?? null,
  };
}
