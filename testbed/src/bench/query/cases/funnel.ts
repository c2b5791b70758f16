// A 4-step loan funnel over 30 days with a 1-day window.
import type { BenchCase } from '../bench-case.ts';

export const FUNNEL_STEPS = ['$Login', 'loan_view', 'loan_apply_start', 'loan_apply_submit'];
export const FUNNEL_WINDOW_MINUTES = 1440;

export const funnelCases: BenchCase[] = [
  {
    name: 'funnel',
    model: 'funnel',
    body: (r) => ({
      ...r,
      steps: FUNNEL_STEPS.map((event) => ({ event })),
      windowMinutes: FUNNEL_WINDOW_MINUTES,
    }),
  },
];
