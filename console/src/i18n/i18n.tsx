// The language context: zh-CN by default, English on request (remembered in localStorage), and
// the formatters bound to the current language.
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import {
  formatChange,
  formatCompact,
  formatExact,
  formatInstant,
  formatPercent,
  formatSeconds,
  type Lang,
} from './format.ts';
import { MESSAGES, type MessageKey } from './messages.ts';

export interface I18n {
  readonly lang: Lang;
  setLang(lang: Lang): void;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  compact(n: number | null | undefined): string;
  exact(n: number | null | undefined): string;
  percent(r: number | null | undefined): string;
  /** A signed relative change, e.g. +12.3%. */
  change(r: number | null | undefined): string;
  seconds(s: number | null | undefined): string;
  instant(iso: string): string;
}

const STORAGE_KEY = 'tally.lang';
const I18nContext = createContext<I18n | null>(null);

function initialLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    document.documentElement.lang = next;
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
  }, []);
  const value = useMemo<I18n>(() => {
    const index = lang === 'en' ? 1 : 0;
    return {
      lang,
      setLang,
      t: (key, vars) => {
        let text: string = MESSAGES[key][index];
        for (const [k, v] of Object.entries(vars ?? {})) text = text.replace(`{${k}}`, String(v));
        return text;
      },
      compact: (n) => formatCompact(n, lang),
      exact: (n) => formatExact(n, lang),
      percent: (r) => formatPercent(r, lang),
      change: (r) => formatChange(r, lang),
      seconds: (s) => formatSeconds(s, lang),
      instant: (iso) => formatInstant(iso, lang),
    };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
