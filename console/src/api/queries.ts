// React Query option factories, one per server resource, with hierarchical keys so a change
// invalidates exactly what it affects (e.g. ['catalog', appId] after a metadata edit).
import { queryOptions } from '@tanstack/react-query';
import { ApiFailure, api, setCsrfToken, withQuery } from './client.ts';
import type {
  AppInfo,
  CatalogEvent,
  CatalogProperty,
  Dashboard,
  DashboardWithAnalyses,
  OnlineNow,
  OrgNode,
  SavedAnalysis,
  Whoami,
} from './types.ts';

export const whoamiQuery = queryOptions({
  queryKey: ['whoami'],
  queryFn: async ({ signal }) => {
    try {
      const me = await api<Whoami>('/v1/auth/whoami', { signal });
      setCsrfToken(me.csrfToken);
      return me;
    } catch (error) {
      // Not logged in is an answer, not an error: the app shows the login page.
      if (error instanceof ApiFailure && error.status === 401) return null;
      throw error;
    }
  },
  staleTime: 5 * 60_000,
  retry: false,
});

export const orgsQuery = queryOptions({
  queryKey: ['orgs'],
  queryFn: ({ signal }) => api<{ orgs: OrgNode[] }>('/v1/orgs', { signal }).then((r) => r.orgs),
  staleTime: 10 * 60_000,
});

export const appsQuery = queryOptions({
  queryKey: ['apps'],
  queryFn: ({ signal }) => api<{ apps: AppInfo[] }>('/v1/apps', { signal }).then((r) => r.apps),
  staleTime: 10 * 60_000,
});

/** The catalog answers `{events}` / `{properties}`; a bare array is accepted too. */
const listOf = <T>(data: unknown, key: string): T[] =>
  Array.isArray(data) ? (data as T[]) : (((data as Record<string, unknown>)?.[key] as T[]) ?? []);

export const catalogEventsQuery = (appId: string, orgCode?: string) =>
  queryOptions({
    queryKey: ['catalog', appId, 'events', orgCode ?? ''],
    queryFn: async ({ signal }) =>
      listOf<CatalogEvent>(
        await api(withQuery('/v1/catalog/events', { appId, orgCode }), { signal }),
        'events',
      ),
    staleTime: 5 * 60_000,
    enabled: appId !== '',
  });

export const catalogPropertiesQuery = (appId: string, source: 'event' | 'user', orgCode?: string) =>
  queryOptions({
    queryKey: ['catalog', appId, 'properties', source, orgCode ?? ''],
    queryFn: async ({ signal }) =>
      listOf<CatalogProperty>(
        await api(withQuery('/v1/catalog/properties', { appId, source, orgCode }), { signal }),
        'properties',
      ),
    staleTime: 5 * 60_000,
    enabled: appId !== '',
  });

/** One analysis run. The body is the whole key: a changed query is a new run; the old one aborts. */
export const analysisQuery = (model: string, body: Record<string, unknown> | null) =>
  queryOptions({
    queryKey: ['analyses', String(body?.appId ?? ''), model, body],
    queryFn: ({ signal }) => api<unknown>(`/v1/analysis/${model}`, { method: 'POST', body, signal }),
    enabled: body !== null,
    staleTime: 60_000,
    retry: (count, error) => count < 1 && !(error instanceof ApiFailure && error.status < 500),
  });

export const onlineNowQuery = (
  appId: string,
  orgCode: string | undefined,
  minutes: number,
  refetchMs: number,
) =>
  queryOptions({
    queryKey: ['analyses', appId, 'online-now', orgCode ?? '', minutes],
    queryFn: ({ signal }) =>
      api<OnlineNow>(withQuery('/v1/analysis/online-now', { appId, orgCode, minutes }), { signal }),
    enabled: appId !== '',
    refetchInterval: refetchMs,
  });

export const dashboardsQuery = queryOptions({
  queryKey: ['dashboards'],
  queryFn: ({ signal }) =>
    api<{ dashboards: Dashboard[] }>('/v1/dashboards', { signal }).then((r) => r.dashboards),
});

export const dashboardQuery = (id: number) =>
  queryOptions({
    queryKey: ['dashboards', id],
    queryFn: ({ signal }) => api<DashboardWithAnalyses>(`/v1/dashboards/${id}`, { signal }),
  });

export const savedAnalysisQuery = (id: number) =>
  queryOptions({
    queryKey: ['saved-analyses', id],
    queryFn: ({ signal }) => api<SavedAnalysis>(`/v1/dashboards/analyses/${id}`, { signal }),
  });
