// Browser persistence: localStorage, or an in-memory map when it is missing or throws (Safari
// private mode, sandboxed WebViews). Never throws.
import type { StorageAdapter } from '../core/types.ts';

/**
 * localStorage-backed storage with an in-memory fallback.
 * @example const storage = browserStorage();
 */
export function browserStorage(): StorageAdapter {
  const memory = new Map<string, string>();
  let local: Storage | null = null;
  try {
    local = globalThis.localStorage ?? null;
    local?.setItem('tally_probe', '1');
    local?.removeItem('tally_probe');
  } catch {
    local = null;
  }
  return {
    getItem: (key) => {
      try {
        return local ? local.getItem(key) : (memory.get(key) ?? null);
      } catch {
        return memory.get(key) ?? null;
      }
    },
    setItem: (key, value) => {
      try {
        if (local) local.setItem(key, value);
        else memory.set(key, value);
      } catch {
        memory.set(key, value);
      }
    },
    removeItem: (key) => {
      memory.delete(key);
      try {
        local?.removeItem(key);
      } catch {
        // Nothing else to do; the memory copy is gone.
      }
    },
  };
}
