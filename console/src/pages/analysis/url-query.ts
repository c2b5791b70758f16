// The analysis query lives in the URL (?q=<JSON>), so a copied link reproduces the view: same
// model, app, org node, dates and options. Anything unparsable is ignored, never executed.
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

export function urlFor(model: string, query: Query): string {
  return `/analysis/${model}?${new URLSearchParams({ q: JSON.stringify(query) }).toString()}`;
}
