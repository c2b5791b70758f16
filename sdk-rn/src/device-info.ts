// Device/app preset properties from react-native-device-info when installed (optional peer).
// Collects ONLY the properties listed in the README; never identifiers (no IMEI, no device id).
import type { PropertyValue } from '@tally/sdk-web/core';
import type { DeviceInfoLike } from './adapters.ts';
import { optionalRequire } from './optional-require.ts';

export function loadDeviceInfo(): DeviceInfoLike | null {
  return optionalRequire<DeviceInfoLike>('react-native-device-info');
}

/**
 * Preset properties read once at init.
 * @example deviceProperties(loadDeviceInfo()) // { $app_version: '3.2.0', $os: 'iOS', ... }
 */
export function deviceProperties(info: DeviceInfoLike | null): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = {};
  if (!info) return out;
  const read = (key: string, fn?: () => string) => {
    try {
      const v = fn?.();
      if (typeof v === 'string' && v) out[key] = v;
    } catch {
      // A native module that throws just contributes nothing.
    }
  };
  read('$app_version', info.getVersion);
  read('$os', info.getSystemName);
  read('$os_version', info.getSystemVersion);
  read('$model', info.getModel);
  read('$manufacturer', info.getBrand);
  return out;
}
