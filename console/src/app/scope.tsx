// The scope every page works in: the org node (the user's own, or one below it picked in the
// header) and the app. Kept in localStorage so a reload keeps it; a link with ?orgCode / appId in
// its query overrides it on the analysis pages.
import { useQuery } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import { appsQuery, orgsQuery } from '../api/queries.ts';
import type { AppInfo, OrgNode, Whoami } from '../api/types.ts';

export interface Scope {
  readonly me: Whoami;
  readonly orgs: readonly OrgNode[];
  readonly apps: readonly AppInfo[];
  /** The picked org node; '' until orgs have loaded. */
  readonly orgCode: string;
  readonly appId: string;
  /** orgCode to send in analysis bodies: undefined when it is the user's own node (no narrowing). */
  readonly narrowTo: string | undefined;
  setOrgCode(code: string): void;
  setAppId(id: string): void;
  can(permission: string): boolean;
}

const ScopeContext = createContext<Scope | null>(null);
const load = (key: string) => {
  try {
    return localStorage.getItem(key) ?? '';
  } catch {
    return '';
  }
};
const store = (key: string, value: string) => {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Not persisted; fine for this page.
  }
};

export function ScopeProvider({ me, children }: { me: Whoami; children: ReactNode }) {
  const orgs = useQuery(orgsQuery).data ?? [];
  const apps = useQuery(appsQuery).data ?? [];
  const [orgCode, setOrg] = useState(() => load(`tally.org.${me.id}`) || me.orgCode);
  const [appId, setApp] = useState(() => load(`tally.app.${me.id}`));

  // A remembered node that is no longer in the subtree falls back to the user's own.
  useEffect(() => {
    if (orgs.length > 0 && !orgs.some((o) => o.code === orgCode)) setOrg(me.orgCode);
  }, [orgs, orgCode, me.orgCode]);
  useEffect(() => {
    if (apps.length > 0 && !apps.some((a) => a.id === appId)) setApp(apps[0]!.id);
  }, [apps, appId]);

  const value = useMemo<Scope>(
    () => ({
      me,
      orgs,
      apps,
      orgCode,
      appId,
      narrowTo: orgCode && orgCode !== me.orgCode ? orgCode : undefined,
      setOrgCode: (code) => {
        setOrg(code);
        store(`tally.org.${me.id}`, code);
      },
      setAppId: (id) => {
        setApp(id);
        store(`tally.app.${me.id}`, id);
      },
      can: (permission) => me.permissions.includes(permission),
    }),
    [me, orgs, apps, orgCode, appId],
  );
  return <ScopeContext.Provider value={value}>{children}</ScopeContext.Provider>;
}

export function useScope(): Scope {
  const value = useContext(ScopeContext);
  if (!value) throw new Error('useScope outside ScopeProvider');
  return value;
}
