// The auth gate: whoami decides between the login page and the shell with its routes. Any 401
// later (expired session) drops back to the login page.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { whenUnauthenticated } from '../api/client.ts';
import { whoamiQuery } from '../api/queries.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { LoginPage } from '../pages/login/LoginPage.tsx';
import { Routes } from './routes.tsx';
import { Shell } from './Shell.tsx';
import { ScopeProvider } from './scope.tsx';

export function App() {
  const { t } = useI18n();
  const client = useQueryClient();
  const me = useQuery(whoamiQuery);
  useEffect(() => {
    whenUnauthenticated(() => client.setQueryData(whoamiQuery.queryKey, null));
  }, [client]);
  useEffect(() => {
    document.title = t('app.title');
  }, [t]);

  if (me.isPending) return <p className="state">{t('state.loading')}</p>;
  if (me.isError) return <p role="alert">{t('state.error')}</p>;
  if (!me.data) return <LoginPage />;
  return (
    <ScopeProvider me={me.data}>
      <Shell>
        <Routes />
      </Shell>
    </ScopeProvider>
  );
}
