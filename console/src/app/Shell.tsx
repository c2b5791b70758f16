// The frame of every page: header (user and org node, org picker narrowing the scope within the
// subtree, app picker, language, logout) and the navigation. A skip link leads keyboard users
// past the navigation.
import { useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { api } from '../api/client.ts';
import { whoamiQuery } from '../api/queries.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { Link } from './Link.tsx';
import { MODEL_NAMES } from './model-names.ts';
import { useLocation } from './router.ts';
import { useScope } from './scope.tsx';

const DEPTH: Record<string, number> = { union: 0, prefecture: 1, bank: 2, branch: 3 };

export function Shell({ children }: { children: ReactNode }) {
  const { t, lang, setLang } = useI18n();
  const scope = useScope();
  const client = useQueryClient();
  const { path } = useLocation();
  const myDepth = DEPTH[scope.me.orgTier] ?? 0;
  const logout = async () => {
    await api('/v1/auth/logout', { method: 'POST' }).catch(() => undefined);
    client.clear();
    client.setQueryData(whoamiQuery.queryKey, null);
  };
  const navLink = (href: string, label: string) => (
    <li key={href}>
      <Link href={href} aria-current={path === href || path.startsWith(`${href}/`) ? 'page' : undefined}>
        {label}
      </Link>
    </li>
  );
  const myOrg = scope.orgs.find((o) => o.code === scope.me.orgCode);
  return (
    <div className="shell">
      <a className="skip" href="#main">
        {lang === 'en' ? 'Skip to content' : '跳到正文'}
      </a>
      <header className="header">
        <strong className="brand">{t('app.title')}</strong>
        <span className="who" data-testid="whoami">
          {t('shell.user')}: {scope.me.name} · {myOrg?.name ?? scope.me.orgCode} (
          {t(`tier.${scope.me.orgTier}` as MessageKey)})
        </span>
        <label>
          {t('shell.org')}{' '}
          <select
            value={scope.orgCode}
            onChange={(e) => scope.setOrgCode(e.target.value)}
            data-testid="org-picker"
          >
            {scope.orgs.map((o) => (
              <option key={o.code} value={o.code}>
                {'\u00a0\u00a0'.repeat(Math.max(0, (DEPTH[o.tier] ?? 0) - myDepth))}
                {o.name} ({o.code})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('shell.app')}{' '}
          <select
            value={scope.appId}
            onChange={(e) => scope.setAppId(e.target.value)}
            data-testid="app-picker"
          >
            {scope.apps.length === 0 && <option value="">{t('shell.noApps')}</option>}
            {scope.apps.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({a.id})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('shell.lang')}{' '}
          <select value={lang} onChange={(e) => setLang(e.target.value === 'en' ? 'en' : 'zh-CN')}>
            <option value="zh-CN">中文</option>
            <option value="en">English</option>
          </select>
        </label>
        <button type="button" onClick={logout}>
          {t('shell.logout')}
        </button>
      </header>
      <div className="body">
        <nav aria-label={t('nav.main')} className="nav">
          <ul>
            {navLink('/dashboards', t('nav.dashboards'))}
            {navLink('/online', t('nav.online'))}
          </ul>
          <h2 className="nav-heading">{t('nav.analysis')}</h2>
          <ul>{MODEL_NAMES.map((m) => navLink(`/analysis/${m}`, t(`model.${m}`)))}</ul>
          <ul>{navLink('/metadata', t('nav.metadata'))}</ul>
        </nav>
        <main id="main" className="main" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
