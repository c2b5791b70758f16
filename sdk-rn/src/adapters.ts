// The React Native adapter boundary: minimal shapes of AppState, AsyncStorage, NetInfo and
// react-native-device-info that the SDK uses. Tests pass fakes of exactly these shapes; the app
// gets the real modules (passed in, or loaded by the guarded requires in device-info.ts/netinfo.ts).
import type { StorageAdapter } from '@tally/sdk-web/core';

export type AppStateStatus = 'active' | 'background' | 'inactive' | string;

export interface AppStateLike {
  currentState: AppStateStatus;
  addEventListener(type: 'change', listener: (state: AppStateStatus) => void): { remove(): void };
}

export type AsyncStorageLike = StorageAdapter;

export interface NetInfoLike {
  addEventListener(listener: (state: { isConnected: boolean | null }) => void): () => void;
}

export interface DeviceInfoLike {
  getVersion?(): string;
  getBuildNumber?(): string;
  getSystemName?(): string;
  getSystemVersion?(): string;
  getModel?(): string;
  getBrand?(): string;
}
