// The one way the console talks to the analytics API: same-origin fetch with the session cookie,
// the CSRF header on state-changing calls, abort signals from React Query (so a superseded or
// cancelled analysis stops waiting), and API errors turned into ApiFailure with the stable code.
// Never stores the session itself: the cookie is httpOnly and stays with the browser.

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** Seconds the server asked to wait before asking again (Retry-After), when it said. */
    readonly retryAfterS?: number,
  ) {
    super(message);
  }
}

let csrfToken = '';

/** Set from login/whoami answers; sent as X-CSRF-Token on POST/PUT/PATCH/DELETE. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token ?? '';
}

/** Called when any call answers 401, so the app can show the login page. */
let onUnauthenticated: () => void = () => undefined;
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

export interface CallOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly body?: unknown;
  readonly signal?: AbortSignal;
}

export async function api<T>(path: string, options: CallOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = (data as { error?: { code?: string; message?: string; field?: string } } | null)?.error;
    if (response.status === 401 && !path.endsWith('/auth/login')) onUnauthenticated();
    throw new ApiFailure(
      response.status,
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? (text.slice(0, 200) || response.statusText),
      error?.field,
      Number(response.headers.get('retry-after')) || undefined,
    );
  }
  return data as T;
}

/** Builds `path?k=v&...`, leaving out undefined values. */
export function withQuery(path: string, params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') search.set(k, String(v));
  const s = search.toString();
  return s ? `${path}?${s}` : path;
}
