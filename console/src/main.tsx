// Entry: React Query (all server state), the language, and the app. Only the shell, login and
// router are in the initial bundle; every page is its own chunk (app/routes.tsx).
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { retryDelayMs, shouldRetry } from './api/retry-policy.ts';
import { App } from './app/App.tsx';
import { I18nProvider } from './i18n/i18n.tsx';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: { queries: { refetchOnWindowFocus: false, retry: shouldRetry, retryDelay: retryDelayMs } },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <App />
      </I18nProvider>
    </QueryClientProvider>
  </StrictMode>,
);
