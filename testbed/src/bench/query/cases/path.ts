// Paths from app start over 30 days: 5 levels, screen views split by screen name, top 10 per level.
import type { BenchCase } from '../bench-case.ts';

export const pathCases: BenchCase[] = [
  {
    name: 'path',
    model: 'path',
    body: (r) => ({
      ...r,
      anchor: 'start',
      anchorEvent: { event: '$AppStart' },
      depth: 5,
      splitBy: [{ event: '$AppViewScreen', property: 'screen_name' }],
      nodesPerLevel: 10,
    }),
  },
];
