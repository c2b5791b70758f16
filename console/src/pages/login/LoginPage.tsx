// Login: username and password to POST /v1/auth/login; the answer (whoami + CSRF token) becomes
// the session state. Errors show the API's message (wrong password, locked for a while).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiFailure, api, setCsrfToken } from '../../api/client.ts';
import { whoamiQuery } from '../../api/queries.ts';
import type { Whoami } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';

export function LoginPage() {
  const { t, lang, setLang } = useI18n();
  const client = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: () => api<Whoami>('/v1/auth/login', { method: 'POST', body: { username, password } }),
    onSuccess: (me) => {
      setCsrfToken(me.csrfToken);
      client.setQueryData(whoamiQuery.queryKey, me);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };
  return (
    <main className="login" id="main">
      <h1>{t('app.title')}</h1>
      <form onSubmit={submit} aria-labelledby="login-title">
        <h2 id="login-title">{t('login.title')}</h2>
        <label>
          {t('login.username')}
          <input
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        <label>
          {t('login.password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <button type="submit" disabled={login.isPending}>
          {t('login.submit')}
        </button>
        {login.isError && (
          <p role="alert" className="error">
            {t('login.failed')}:{' '}
            {login.error instanceof ApiFailure ? login.error.message : String(login.error)}
          </p>
        )}
      </form>
      <button type="button" className="link" onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}>
        {lang === 'en' ? '中文' : 'English'}
      </button>
    </main>
  );
}
