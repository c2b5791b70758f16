// Interval: loan product viewed -> application submitted for the same product, within 7 days.
import type { BenchCase } from '../bench-case.ts';

export const intervalCases: BenchCase[] = [
  {
    name: 'interval',
    model: 'interval',
    body: (r) => ({
      ...r,
      start: { event: 'loan_view' },
      end: { event: 'loan_apply_submit' },
      linkProperty: 'product_id',
      maxIntervalMinutes: 7 * 24 * 60,
    }),
  },
];
