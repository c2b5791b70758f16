// Checks a query before it is saved: it must fit the model's own query schema when that model is
// served (so a board never holds a query its model would refuse), name an existing app, and stay
// small. Models not yet registered are accepted as plain objects with an appId. The query is then
// put through the sensitive-query policy (masking/sensitive-query-policy.ts) before it is stored:
// a refused use of a sensitive property is refused at save time, and equality filters on phone,
// ID or card numbers are stored as keyed-hash tokens, never as the number typed.
import { Value } from '@sinclair/typebox/value';
import type { Pool } from 'mysql2/promise';
import { getApp } from '../apps/app-store.ts';
import type { Keyring } from '../crypto/keyring.ts';
import { ApiError } from '../errors/catalogue.ts';
import { loadSensitiveFields } from '../masking/sensitive-fields.ts';
import { applySensitiveQueryPolicy } from '../masking/sensitive-query-policy.ts';
import { OnlineNowQuerySchema } from '../models/online-now/route.ts';
import { ANALYSIS_MODELS } from '../models/registry.ts';
import { MAX_QUERY_BYTES, type SavedAnalysisInput } from './schema.ts';

function schemaOf(model: string) {
  if (model === 'online-now') return OnlineNowQuerySchema;
  return ANALYSIS_MODELS.find((m) => m.name === model)?.querySchema;
}

export async function checkSavedQuery(pool: Pool, input: SavedAnalysisInput): Promise<void> {
  const { query, model } = input;
  if (JSON.stringify(query).length > MAX_QUERY_BYTES)
    throw new ApiError('VALIDATION_FAILED', `query is larger than ${MAX_QUERY_BYTES} bytes`, 'query');
  if (typeof query.appId !== 'string' || !(await getApp(pool, query.appId)))
    throw new ApiError('APP_NOT_FOUND', String(query.appId ?? ''), 'query.appId');
  const schema = schemaOf(model);
  if (!schema) return;
  const error = Value.Errors(schema, query).First();
  if (error)
    throw new ApiError(
      'VALIDATION_FAILED',
      `${error.path || '/'}: ${error.message}`,
      `query${error.path.replaceAll('/', '.')}`,
    );
}

/**
 * The input as it is stored: checked (checkSavedQuery), then with sensitive equality filters
 * turned into hash tokens; throws 400 SENSITIVE_PROPERTY (field `query.…`) for a refused use.
 */
export async function sealSavedQuery(
  pool: Pool,
  keyring: Keyring,
  input: SavedAnalysisInput,
): Promise<SavedAnalysisInput> {
  await checkSavedQuery(pool, input);
  const sensitive = await loadSensitiveFields(pool, String(input.query.appId));
  const query = applySensitiveQueryPolicy(input.query, sensitive, keyring, {
    forStorage: true,
    path: 'query',
  });
  return query === input.query ? input : { ...input, query };
}
