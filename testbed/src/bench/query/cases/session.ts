// Session: daily sessions (30 minutes of inactivity) over every event of 30 days, screens by
// screen name, transfers per session.
import type { BenchCase } from '../bench-case.ts';

export const sessionCases: BenchCase[] = [
  {
    name: 'session',
    model: 'session',
    body: (r) => ({
      ...r,
      screens: [{ event: '$AppViewScreen', property: 'screen_name' }],
      countEvent: { event: 'transfer' },
    }),
  },
];
