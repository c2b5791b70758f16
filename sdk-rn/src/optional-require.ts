// Loads an optional React Native module by name, or null when the app did not install it. The
// only place that calls require(); never throws.
declare const require: ((name: string) => unknown) | undefined;

export function optionalRequire<T>(name: string): T | null {
  try {
    if (typeof require !== 'function') return null;
    const mod = require(name) as { default?: T } & T;
    return (mod?.default ?? mod) as T;
  } catch {
    return null;
  }
}
