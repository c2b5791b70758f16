// Public API of @tally/sdk-rn: a default client created by init() and module-level functions.
// Calls before init() are ignored (never throw). Named exports only.
import { defaultClientApi, type Properties, type Stats } from '@tally/sdk-web/core';
import { type NavigationRefLike, screenTracker, trackNavigationState as trackNav } from './navigation.ts';
import { type RnOptions, TallyRn } from './tally.ts';

export const {
  init,
  track,
  login,
  logout,
  bind,
  unbind,
  register,
  unregister,
  profileSet,
  profileSetOnce,
  profileIncrement,
  profileAppend,
  profileUnset,
  optIn,
  optOut,
  flush,
  reset,
  stats,
} = defaultClientApi((options: RnOptions) => new TallyRn(options));

/** onStateChange handler for NavigationContainer. @example <NavigationContainer onStateChange={navigationStateHandler()}> */
export const navigationStateHandler = () => screenTracker((e, p) => void track(e, p));
/** Tracks screens via a navigation ref. @example trackNavigationState(navigationRef) */
export const trackNavigationState = (ref: NavigationRefLike) => trackNav(ref, (e, p) => void track(e, p));

export type { Properties, Stats };
export { type RnOptions, TallyRn };
