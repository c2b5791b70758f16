// Public API of @tally/sdk-web: module-level functions over one default client created by init().
// Calls before init() are ignored (never throw). Named exports only.
import type { Properties, Stats } from '../core/types.ts';
import { TallyWeb, type WebOptions } from './tally.ts';

let client: TallyWeb | null = null;
const done = Promise.resolve();

/** Creates the default client. @example init({ appKey: 'wk_...', serverUrl: 'https://collect.bank.cn' }) */
export function init(options: WebOptions): TallyWeb | null {
  try {
    if (!client) client = new TallyWeb(options);
    return client;
  } catch {
    return null;
  }
}
/** Records an event. @example track('TransferSubmit', { amount: 5000 }) */
export const track = (event: string, properties?: Properties) => client?.track(event, properties) ?? done;
/** Sets the customer id and sends $Login. @example login('C000123456') */
export const login = (customerId: string) => client?.login(customerId) ?? done;
/** Sends $Logout and clears the customer id (device id kept). @example logout() */
export const logout = () => client?.logout() ?? done;
/** Binds another identity. @example bind('union_customer_no', 'U1') */
export const bind = (type: string, value: string) => client?.bind(type, value) ?? done;
/** Unbinds an identity. @example unbind('union_customer_no', 'U1') */
export const unbind = (type: string, value: string) => client?.unbind(type, value) ?? done;
/** Super properties added to every event. @example register({ $bank_code: 'B001' }) */
export const register = (properties: Properties) => client?.register(properties) ?? done;
/** Removes a super property. @example unregister('$bank_code') */
export const unregister = (name: string) => client?.unregister(name) ?? done;
/** @example profileSet({ level: 'gold' }) */
export const profileSet = (p: Properties) => client?.profileSet(p) ?? done;
/** @example profileSetOnce({ first_channel: 'h5' }) */
export const profileSetOnce = (p: Properties) => client?.profileSetOnce(p) ?? done;
/** @example profileIncrement({ transfers: 1 }) */
export const profileIncrement = (p: Record<string, number>) => client?.profileIncrement(p) ?? done;
/** @example profileAppend({ products: ['fund'] }) */
export const profileAppend = (p: Record<string, readonly string[]>) => client?.profileAppend(p) ?? done;
/** @example profileUnset(['level']) */
export const profileUnset = (names: readonly string[]) => client?.profileUnset(names) ?? done;
/** Gives consent: storage and sending start. @example optIn() */
export const optIn = () => client?.optIn() ?? done;
/** Withdraws consent: stops collection, drops the queue and stored data. @example optOut() */
export const optOut = () => client?.optOut() ?? done;
/** Sends queued events now. @example await flush() */
export const flush = () => client?.flush() ?? done;
/** New anonymous id, clears login and super properties. @example reset() */
export const reset = () => client?.reset() ?? done;
/** Delivery counters. @example stats().dropped_queue_full */
export const stats = (): Stats | null => client?.stats() ?? null;

export type { Properties, Stats };
export { TallyWeb, type WebOptions };
