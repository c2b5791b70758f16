// Public API of @tally/sdk-rn: a default client created by init() and module-level functions.
// Calls before init() are ignored (never throw). Named exports only.
import type { Properties, Stats } from '@tally/sdk-web/core';
import { type NavigationRefLike, screenTracker, trackNavigationState as trackNav } from './navigation.ts';
import { type RnOptions, TallyRn } from './tally.ts';

let client: TallyRn | null = null;
const done = Promise.resolve();

/** Creates the default client. @example init({ appKey: 'wk_...', serverUrl: 'https://collect.bank.cn', storage: AsyncStorage }) */
export function init(options: RnOptions): TallyRn | null {
  try {
    if (!client) client = new TallyRn(options);
    return client;
  } catch {
    return null;
  }
}
/** @example track('TransferSubmit', { amount: 5000 }) */
export const track = (event: string, properties?: Properties) => client?.track(event, properties) ?? done;
/** @example login('C000123456') */
export const login = (customerId: string) => client?.login(customerId) ?? done;
/** @example logout() */
export const logout = () => client?.logout() ?? done;
/** @example bind('union_customer_no', 'U1') */
export const bind = (type: string, value: string) => client?.bind(type, value) ?? done;
/** @example unbind('union_customer_no', 'U1') */
export const unbind = (type: string, value: string) => client?.unbind(type, value) ?? done;
/** @example register({ $bank_code: 'B001' }) */
export const register = (p: Properties) => client?.register(p) ?? done;
/** @example unregister('$bank_code') */
export const unregister = (name: string) => client?.unregister(name) ?? done;
/** @example profileSet({ level: 'gold' }) */
export const profileSet = (p: Properties) => client?.profileSet(p) ?? done;
/** @example profileSetOnce({ first_channel: 'app' }) */
export const profileSetOnce = (p: Properties) => client?.profileSetOnce(p) ?? done;
/** @example profileIncrement({ transfers: 1 }) */
export const profileIncrement = (p: Record<string, number>) => client?.profileIncrement(p) ?? done;
/** @example profileAppend({ products: ['fund'] }) */
export const profileAppend = (p: Record<string, readonly string[]>) => client?.profileAppend(p) ?? done;
/** @example profileUnset(['level']) */
export const profileUnset = (names: readonly string[]) => client?.profileUnset(names) ?? done;
/** @example optIn() */
export const optIn = () => client?.optIn() ?? done;
/** @example optOut() */
export const optOut = () => client?.optOut() ?? done;
/** @example await flush() */
export const flush = () => client?.flush() ?? done;
/** @example reset() */
export const reset = () => client?.reset() ?? done;
/** @example stats()?.sent */
export const stats = (): Stats | null => client?.stats() ?? null;
/** onStateChange handler for NavigationContainer. @example <NavigationContainer onStateChange={navigationStateHandler()}> */
export const navigationStateHandler = () => screenTracker((e, p) => void track(e, p));
/** Tracks screens via a navigation ref. @example trackNavigationState(navigationRef) */
export const trackNavigationState = (ref: NavigationRefLike) => trackNav(ref, (e, p) => void track(e, p));

export { type RnOptions, TallyRn };
