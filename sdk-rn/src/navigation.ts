// React Navigation screen tracking: $AppViewScreen with $screen_name when the focused route
// changes. Reads only route names, never params (they may hold account numbers).

interface NavState {
  index?: number;
  routes: Array<{ name: string; state?: NavState }>;
}

export interface NavigationRefLike {
  getCurrentRoute?(): { name: string } | undefined;
  addListener?(type: 'state', cb: () => void): () => void;
}

function focusedName(state: NavState | undefined): string | undefined {
  let s = state;
  let name: string | undefined;
  while (s) {
    const route = s.routes[s.index ?? s.routes.length - 1];
    name = route?.name;
    s = route?.state;
  }
  return name;
}

/**
 * Returns an onStateChange handler for NavigationContainer.
 * @example <NavigationContainer onStateChange={screenTracker(Tally.track)}>
 */
export function screenTracker(track: (event: string, props: Record<string, string>) => void) {
  let last: string | undefined;
  return (state: NavState | undefined) => {
    try {
      const name = focusedName(state);
      if (name && name !== last) {
        last = name;
        track('$AppViewScreen', { $screen_name: name });
      }
    } catch {
      // Never break navigation.
    }
  };
}

/**
 * Tracks screens through a navigation ref (`createNavigationContainerRef()`); returns unsubscribe.
 * @example trackNavigationState(navigationRef, Tally.track)
 */
export function trackNavigationState(
  ref: NavigationRefLike,
  track: (event: string, props: Record<string, string>) => void,
): () => void {
  let last: string | undefined;
  const onState = () => {
    try {
      const name = ref.getCurrentRoute?.()?.name;
      if (name && name !== last) {
        last = name;
        track('$AppViewScreen', { $screen_name: name });
      }
    } catch {
      // Never break navigation.
    }
  };
  onState();
  return ref.addListener?.('state', onState) ?? (() => {});
}
