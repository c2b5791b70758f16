// Namespaced JSON persistence over a platform StorageAdapter, gated by consent: while writes are
// disabled nothing reaches the device. Never throws: a full or broken storage degrades to memory.
import type { SdkError, StorageAdapter } from './types.ts';

export type StoreKey = 'queue' | 'identity' | 'props' | 'session' | 'consent';

export class Store {
  writable = false;

  constructor(
    private readonly storage: StorageAdapter,
    private readonly prefix: string,
    private readonly report: (e: SdkError) => void,
  ) {}

  private key(name: StoreKey): string {
    return `${this.prefix}_${name}`;
  }

  async read<T>(name: StoreKey): Promise<T | null> {
    try {
      const raw = await this.storage.getItem(this.key(name));
      return raw == null ? null : (JSON.parse(raw) as T);
    } catch {
      return null;
    }
  }

  async write(name: StoreKey, value: unknown, force = false): Promise<void> {
    if (!this.writable && !force) return;
    try {
      await this.storage.setItem(this.key(name), JSON.stringify(value));
    } catch (error) {
      this.report({ code: 'STORAGE_WRITE_FAILED', message: `could not persist ${name}: ${String(error)}` });
    }
  }

  async clear(): Promise<void> {
    for (const name of ['queue', 'identity', 'props', 'session', 'consent'] as const) {
      try {
        await this.storage.removeItem(this.key(name));
      } catch {
        // Removing is best effort; a storage that cannot remove cannot hold our data either.
      }
    }
  }
}
