// Keeps only property values the collector accepts (string, finite number, boolean, null, string
// arrays); anything else is dropped here with a reported error rather than rejected later.
import type { Properties, PropertyValue, SdkError } from './types.ts';

/**
 * Returns a copy of `input` with unsupported values removed.
 * @example cleanProperties({ amount: 5, nested: {} }, console.warn) // { amount: 5 }
 */
export function cleanProperties(
  input: Properties | undefined,
  report: (e: SdkError) => void,
): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = {};
  if (!input || typeof input !== 'object') return out;
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const ok =
      value === null ||
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value)) ||
      (Array.isArray(value) && value.every((v) => typeof v === 'string'));
    if (ok) out[key] = value;
    else report({ code: 'PROPERTY_DROPPED', message: `property "${key}" has an unsupported value type` });
  }
  return out;
}
