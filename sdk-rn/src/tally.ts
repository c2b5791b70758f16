// The React Native client: the shared core (@tally/sdk-web/core) plus RN adapters. All logic
// about queueing, retry, identity and consent lives in the core; this file only wires platforms.
import {
  type CoreOptions,
  type Properties,
  type Stats,
  TallyCore,
  type TransportAdapter,
} from '@tally/sdk-web/core';
import type { AppStateLike, AsyncStorageLike, DeviceInfoLike, NetInfoLike } from './adapters.ts';
import { deviceProperties, loadDeviceInfo } from './device-info.ts';
import { trackAppLifecycle } from './lifecycle.ts';
import { loadNetInfo } from './netinfo.ts';
import { optionalRequire } from './optional-require.ts';
import { fetchTransport } from './transport.ts';
import { VERSION } from './version.ts';

export interface RnOptions extends CoreOptions {
  /** AsyncStorage or any getItem/setItem/removeItem object (default: @react-native-async-storage). */
  storage?: AsyncStorageLike;
  /** react-native's AppState (default: required from react-native). */
  appState?: AppStateLike | null;
  /** @react-native-community/netinfo (default: required when installed). */
  netInfo?: NetInfoLike | null;
  /** react-native-device-info (default: required when installed). */
  deviceInfo?: DeviceInfoLike | null;
  /** Track $AppStart / $AppEnd (default true). */
  autoAppLifecycle?: boolean;
  transport?: TransportAdapter;
}

export class TallyRn {
  readonly core: TallyCore;

  constructor(options: RnOptions) {
    const storage =
      options.storage ?? optionalRequire<AsyncStorageLike>('@react-native-async-storage/async-storage');
    const fixed = {
      ...deviceProperties(options.deviceInfo === undefined ? loadDeviceInfo() : options.deviceInfo),
      $lib: 'tally-rn',
      $lib_version: VERSION,
      $channel: 'app',
    };
    this.core = new TallyCore(options, {
      storage: storage ?? memoryStorage(),
      transport: options.transport ?? fetchTransport(),
      libProperties: () => fixed,
    });
    const appState =
      options.appState === undefined
        ? (optionalRequire<{ AppState: AppStateLike }>('react-native')?.AppState ?? null)
        : options.appState;
    if (appState && options.autoAppLifecycle !== false) {
      trackAppLifecycle(appState, {
        track: (e, p) => void this.core.track(e, p),
        flush: () => void this.core.flush(),
        now: () => Date.now(),
      });
    }
    const netInfo = options.netInfo === undefined ? loadNetInfo() : options.netInfo;
    netInfo?.addEventListener((s) => {
      if (s.isConnected) void this.core.flush();
    });
  }

  track = (event: string, properties?: Properties) => this.core.track(event, properties);
  login = (customerId: string) => this.core.login(customerId);
  logout = () => this.core.logout();
  bind = (type: string, value: string) => this.core.bind('bind', type, value);
  unbind = (type: string, value: string) => this.core.bind('unbind', type, value);
  register = (properties: Properties) => this.core.register(properties);
  unregister = (name: string) => this.core.unregister(name);
  profileSet = (p: Properties) => this.core.profile('profile_set', p);
  profileSetOnce = (p: Properties) => this.core.profile('profile_set_once', p);
  profileIncrement = (p: Record<string, number>) => this.core.profile('profile_increment', p);
  profileAppend = (p: Record<string, readonly string[]>) => this.core.profile('profile_append', p);
  profileUnset = (names: readonly string[]) =>
    this.core.profile('profile_unset', Object.fromEntries(names.map((n) => [n, null])));
  optIn = () => this.core.optIn();
  optOut = () => this.core.optOut();
  flush = () => this.core.flush();
  reset = () => this.core.reset();
  stats = (): Stats => this.core.stats();
}

// Without AsyncStorage installed, events survive only while the JS runtime lives.
function memoryStorage(): AsyncStorageLike {
  const m = new Map<string, string>();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
  };
}
