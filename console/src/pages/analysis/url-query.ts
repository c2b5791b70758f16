// The analysis query lives in the URL (?q=<JSON>), so a copied link reproduces the view: same
// model, app, org node, dates and options (and `&vs=`, the comparison period; `&group=`, the picked group). Anything unparsable is ignored, never executed.
import type { Query } from './model-view.ts';

export function readUrlQuery(search: URLSearchParams): Query | null {
  const text = search.get('q');
  if (!text) return null;
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Query) : null;
  } catch {
    return null;
  }
}

/** The page's address; `vs` is the comparison period choice and `group` the group picked on a
 *  grouped result (group-picker.tsx): console settings, not API fields. */
export function urlFor(model: string, query: Query, vs?: string | null, group?: string | null): string {
  const params = new URLSearchParams({ q: JSON.stringify(query) });
  if (vs) params.set('vs', vs);
  if (group) params.set('group', group);
  return `/analysis/${model}?${params.toString()}`;
}
