// $pageview on load and on SPA route changes (history.pushState/replaceState, popstate,
// hashchange), and $pageleave with time on page. Wraps history methods transparently: the app's
// call always runs first and its return value is passed through. Never breaks navigation.

export interface PageTracker {
  stop(): void;
}

type Track = (event: string, props?: Record<string, number | string>) => void;

/**
 * Starts page tracking; returns a handle to undo the wrapping.
 * @example const tracker = trackPages(track, { pageview: true, pageleave: true });
 */
export function trackPages(track: Track, opts: { pageview: boolean; pageleave: boolean }): PageTracker {
  let currentUrl = location.href;
  let enteredAt = Date.now();
  const leave = (url: string) => {
    if (opts.pageleave) track('$pageleave', { $url: url, $event_duration: Date.now() - enteredAt });
  };
  const onChange = () => {
    if (location.href === currentUrl) return;
    leave(currentUrl);
    currentUrl = location.href;
    enteredAt = Date.now();
    if (opts.pageview) track('$pageview');
  };
  const originals = { push: history.pushState, replace: history.replaceState };
  history.pushState = function (this: History, ...args: Parameters<History['pushState']>) {
    const result = originals.push.apply(this, args);
    safe(onChange);
    return result;
  };
  history.replaceState = function (this: History, ...args: Parameters<History['replaceState']>) {
    const result = originals.replace.apply(this, args);
    safe(onChange);
    return result;
  };
  const onPop = () => safe(onChange);
  addEventListener('popstate', onPop);
  addEventListener('hashchange', onPop);
  addEventListener('pagehide', () => safe(() => leave(currentUrl)), { once: true });
  if (opts.pageview) track('$pageview');
  return {
    stop() {
      history.pushState = originals.push;
      history.replaceState = originals.replace;
      removeEventListener('popstate', onPop);
      removeEventListener('hashchange', onPop);
    },
  };
}

function safe(fn: () => void): void {
  try {
    fn();
  } catch {
    // Tracking must never break the host page's navigation.
  }
}
