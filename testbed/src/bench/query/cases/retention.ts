// 30-day retention of app starts (recurring cohorts, return = any app start).
import type { BenchCase } from '../bench-case.ts';

export const RETENTION_EVENT = '$AppStart';
export const RETENTION_PERIODS = 30;

export const retentionCases: BenchCase[] = [
  {
    name: 'retention',
    model: 'retention',
    body: (r) => ({
      ...r,
      initial: { event: RETENTION_EVENT },
      returning: { event: RETENTION_EVENT },
      period: 'day',
      periods: RETENTION_PERIODS,
    }),
  },
];
