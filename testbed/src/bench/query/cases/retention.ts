// 30-day retention of app starts (recurring cohorts, return = any app start).
import type { BenchCase } from '../bench-case.ts';

export const retentionCases: BenchCase[] = [
  {
    name: 'retention',
    model: 'retention',
    body: (r) => ({
      ...r,
      initial: { event: '$AppStart' },
      returning: { event: '$AppStart' },
      period: 'day',
      periods: 30,
    }),
  },
];
