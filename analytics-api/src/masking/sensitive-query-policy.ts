// What an analysis may do with a property marked sensitive, decided before any SQL is built.
// Stored values are ciphertexts (random per row) or, for identifiers, `hid:v1:<keyed hash>:`
// followed by a ciphertext (crypto/sensitive-value.ts). So:
//   - is_set / not_set work as for any property;
//   - eq / in / neq / not_in on an identifier kind (phone, ID card, bank card) are rewritten to a
//     match on the keyed-hash prefix computed from the caller's values; the rewritten query (and
//     so the audit entry and the cache key) holds hashes, never the plaintext the caller typed;
//   - every other use (group-by, measures, link/value properties, contains, ranges, equality on
//     names and addresses) is refused with 400 SENSITIVE_PROPERTY naming the field, because
//     grouping or comparing ciphertexts would silently give wrong answers.
// A saved dashboard query is put through the same policy before it is stored (`forStorage`):
// its equality filters keep their op but hold the hash tokens, so MySQL never holds the number
// an analyst typed; a value already in token form is kept as is when the saved query runs.
// Never lets a query through that names a sensitive property in a way not listed above.
import type { Keyring } from '../crypto/keyring.ts';
import { identifierPrefix, isIdentifierKind } from '../crypto/sensitive-value.ts';
import { ApiError } from '../errors/catalogue.ts';
import type { SensitiveFields } from './mask-row.ts';

const PRESENCE_OPS = new Set(['is_set', 'not_set']);
const EQUALITY_OPS: Readonly<Record<string, 'contains' | 'not_contains'>> = {
  eq: 'contains',
  in: 'contains',
  neq: 'not_contains',
  not_in: 'not_contains',
};

/** Keys whose string value names a property (`property`, `linkProperty`, `valueProperty`, ...). */
const isPropertyKey = (key: string) => key === 'property' || key.endsWith('Property');

function refuse(field: string, name: string, why: string): never {
  throw new ApiError('SENSITIVE_PROPERTY', `"${name}" is marked sensitive: ${why}`, field);
}

/** A value that is already a hash token (`hid:v1:<key id>:<64 hex>:`), e.g. from a saved query. */
const TOKEN = /^hid:v1:[A-Za-z0-9_-]{1,64}:[0-9a-f]{64}:$/;

interface PolicyContext {
  readonly sensitive: SensitiveFields;
  readonly keyring: Keyring;
  /** Keep eq/in/neq/not_in (tokens as values) so the query stays valid for its model's schema. */
  readonly forStorage: boolean;
}

function rewriteFilter(
  filter: Record<string, unknown>,
  path: string,
  name: string,
  { sensitive, keyring, forStorage }: PolicyContext,
): Record<string, unknown> {
  const kind = sensitive.get(name)!;
  const op = String(filter.op);
  if (PRESENCE_OPS.has(op)) return filter;
  const matchOp = EQUALITY_OPS[op];
  if (!matchOp || !isIdentifierKind(kind))
    refuse(
      `${path}.op`,
      name,
      isIdentifierKind(kind)
        ? 'only is_set, not_set, eq, in, neq and not_in are possible on it'
        : `values of kind ${kind} are stored encrypted; only is_set and not_set are possible on it`,
    );
  const values = Array.isArray(filter.values) ? filter.values : [];
  return {
    ...filter,
    op: forStorage ? op : matchOp,
    values: values.map((v) =>
      TOKEN.test(String(v)) ? String(v) : identifierPrefix(keyring, kind, String(v)),
    ),
  };
}

function walk(node: unknown, path: string, context: PolicyContext): unknown {
  const { sensitive } = context;
  if (Array.isArray(node)) return node.map((item, i) => walk(item, `${path}[${i}]`, context));
  if (node === null || typeof node !== 'object') return node;
  const object = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    const field = path ? `${path}.${key}` : key;
    if (typeof value === 'string' && isPropertyKey(key) && sensitive.has(value)) {
      // A filter ({property, op, values}) may use it in the ways listed above; nothing else may.
      if (key !== 'property' || !('op' in object))
        refuse(field, value, 'analyses cannot group, measure or link by it (values are encrypted)');
    }
    out[key] = walk(value, field, context);
  }
  const name = object.property;
  if (typeof name === 'string' && 'op' in object && sensitive.has(name)) {
    return rewriteFilter(out, path, name, context);
  }
  return out;
}

/** The query with sensitive filters rewritten; throws SENSITIVE_PROPERTY for a refused use. */
export function applySensitiveQueryPolicy<T extends object>(
  query: T,
  sensitive: SensitiveFields,
  keyring: Keyring,
  options: { readonly forStorage?: boolean; readonly path?: string } = {},
): T {
  if (sensitive.size === 0) return query;
  return walk(query, options.path ?? '', {
    sensitive,
    keyring,
    forStorage: options.forStorage === true,
  }) as T;
}
