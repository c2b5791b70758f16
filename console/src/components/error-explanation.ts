// What an error panel says: the limits staff can act on (a busy engine, a question too expensive
// for its limits) in the console's language, with the code for support; any other API error as
// the API worded it, after its code. Formats text only.
import { ApiFailure } from '../api/client.ts';
import type { I18n } from '../i18n/i18n.tsx';

export function errorExplanation(t: I18n['t'], error: unknown): string {
  if (!(error instanceof ApiFailure)) return String(error);
  if (error.code === 'ANALYSIS_BUSY') return `${t('state.busy')} (${error.code})`;
  if (error.code === 'QUERY_TOO_EXPENSIVE') return `${t('state.tooExpensive')} (${error.code})`;
  return `${error.code}: ${error.message}`;
}
