// 30-day LTV of wealth purchase amounts for daily cohorts of logged-in customers over 30 days.
import type { BenchCase } from '../bench-case.ts';

export const ltvCases: BenchCase[] = [
  {
    name: 'ltv',
    model: 'ltv',
    body: (r) => ({
      ...r,
      initialEvent: { event: '$Login' },
      valueEvent: { event: 'wealth_purchase' },
      valueProperty: 'amount',
      days: 30,
    }),
  },
];
