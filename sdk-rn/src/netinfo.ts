// @react-native-community/netinfo when installed (optional peer): reconnect triggers a flush.
import type { NetInfoLike } from './adapters.ts';
import { optionalRequire } from './optional-require.ts';

export function loadNetInfo(): NetInfoLike | null {
  return optionalRequire<NetInfoLike>('@react-native-community/netinfo');
}
