// Sessions: a new session starts after `timeoutMs` of inactivity (30 min by default, the common
// analytics convention). Pure state machine; never reads the clock itself.

export interface SessionState {
  id: string;
  lastActivity: number;
}

/**
 * Advances the session at time `now`; `started` is true when a new session began.
 * @example touchSession(null, Date.now(), 1_800_000, Math.random)
 */
export function touchSession(
  current: SessionState | null,
  now: number,
  timeoutMs: number,
  random: () => number,
): { session: SessionState; started: boolean } {
  if (current && now - current.lastActivity < timeoutMs) {
    return { session: { id: current.id, lastActivity: now }, started: false };
  }
  const id = `s-${now}-${Math.floor(random() * 36 ** 6).toString(36)}`;
  return { session: { id, lastActivity: now }, started: true };
}
