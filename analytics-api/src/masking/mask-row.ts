// The one place output rows are masked. Every output path (API JSON, CSV export, webhook payload)
// passes its rows through maskRow/maskRows: sensitive fields (top-level columns and keys inside
// `props`-like objects) are decrypted if stored encrypted (or as identifier hash + ciphertext), then masked by kind unless the caller
// holds `data.unmask` AND asked for unmasked values. maskRows audits every unmasking.
import type { FastifyRequest } from 'fastify';
import type { Keyring } from '../crypto/keyring.ts';
import { isProtected, revealValue } from '../crypto/sensitive-value.ts';
import type { Principal } from '../permissions/principal.ts';
import { maskValue, type SensitiveKind } from './mask-value.ts';

/** Sensitive field name -> kind, for one app (sensitive-fields.ts loads it). */
export type SensitiveFields = ReadonlyMap<string, SensitiveKind>;

export interface MaskOptions {
  /** The caller asked for clear values; honoured only with `data.unmask`. */
  readonly unmask?: boolean;
  /** Needed to reveal (or mask) values stored encrypted with encryptField. */
  readonly keyring?: Keyring;
  /** Associated-data prefix used when the values were encrypted (e.g. the app id). */
  readonly context?: string;
}

export function mayUnmask(principal: Principal, options: MaskOptions): boolean {
  return options.unmask === true && principal.permissions.has('data.unmask');
}

function reveal(value: unknown, field: string, options: MaskOptions): unknown {
  if (typeof value !== 'string' || !isProtected(value)) return value;
  if (!options.keyring) return '';
  try {
    return revealValue(options.keyring, { appId: options.context ?? '', field }, value);
  } catch {
    // An undecryptable value is shown as nothing rather than failing a whole export.
    return '';
  }
}

function maskOne(
  value: unknown,
  field: string,
  kind: SensitiveKind,
  clear: boolean,
  options: MaskOptions,
): unknown {
  const plain = reveal(value, field, options);
  return clear ? plain : maskValue(kind, plain);
}

/** Returns a copy of the row with sensitive fields masked (or revealed, when allowed and asked). */
export function maskRow<T extends Record<string, unknown>>(
  row: T,
  sensitive: SensitiveFields,
  principal: Principal,
  options: MaskOptions = {},
): T {
  if (sensitive.size === 0) return row;
  const clear = mayUnmask(principal, options);
  const out: Record<string, unknown> = { ...row };
  for (const [key, value] of Object.entries(row)) {
    const kind = sensitive.get(key);
    if (kind) {
      out[key] = maskOne(value, key, kind, clear, options);
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      // Property maps (`props`, profile objects): mask the sensitive keys inside, one level deep.
      const inner = value as Record<string, unknown>;
      if (Object.keys(inner).some((k) => sensitive.has(k))) {
        const copy: Record<string, unknown> = { ...inner };
        for (const [k, v] of Object.entries(inner)) {
          const innerKind = sensitive.get(k);
          if (innerKind) copy[k] = maskOne(v, k, innerKind, clear, options);
        }
        out[key] = copy;
      }
    }
  }
  return out as T;
}

/**
 * Masks every row for the request's caller and, when values were revealed, writes one
 * `data.unmask` audit entry naming the purpose, the fields and the row count.
 */
export async function maskRows<T extends Record<string, unknown>>(
  request: FastifyRequest,
  rows: readonly T[],
  sensitive: SensitiveFields,
  options: MaskOptions & { purpose: string },
): Promise<T[]> {
  const withKeys = { keyring: request.server.keyring, ...options };
  const out = rows.map((row) => maskRow(row, sensitive, request.principal, withKeys));
  if (sensitive.size > 0 && rows.length > 0 && mayUnmask(request.principal, options)) {
    await request.audit('data.unmask', {
      purpose: options.purpose,
      fields: [...sensitive.keys()],
      rows: rows.length,
    });
  }
  return out;
}
