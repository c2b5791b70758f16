// Public API of @tally/sdk-web: module-level functions over one default client created by init()
// (shared with sdk-rn through the core's defaultClientApi). Named exports only.
import { defaultClientApi } from '../core/default-client-api.ts';
import type { Properties, Stats } from '../core/types.ts';
import { TallyWeb, type WebOptions } from './tally.ts';

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
} = defaultClientApi((options: WebOptions) => new TallyWeb(options));

export type { Properties, Stats };
export { TallyWeb, type WebOptions };
