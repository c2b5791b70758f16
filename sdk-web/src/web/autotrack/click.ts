// $click on elements the app marked for tracking: `data-tally-event="name"` (the event name
// becomes $element_event) plus every other `data-tally-*` attribute as a property. Reads nothing
// else from the DOM (no text, no input values: minimum necessary).

/**
 * Listens for clicks on marked elements; returns an unsubscribe function.
 * @example const stop = trackClicks((e, p) => tally.track(e, p));
 */
export function trackClicks(track: (event: string, props: Record<string, string>) => void): () => void {
  const onClick = (ev: Event) => {
    try {
      const target = ev.target as Element | null;
      const el = target?.closest?.('[data-tally-event]');
      if (!el) return;
      const props: Record<string, string> = { $element_event: el.getAttribute('data-tally-event') ?? '' };
      for (const attr of Array.from(el.attributes)) {
        if (attr.name.startsWith('data-tally-') && attr.name !== 'data-tally-event') {
          props[attr.name.slice('data-tally-'.length).replace(/-/g, '_')] = attr.value;
        }
      }
      track('$click', props);
    } catch {
      // Never interfere with the app's own click handling.
    }
  };
  document.addEventListener('click', onClick, true);
  return () => document.removeEventListener('click', onClick, true);
}
