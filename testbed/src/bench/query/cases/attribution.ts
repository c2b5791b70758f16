// Wealth purchases over 30 days credited to banner clicks (per banner) and product views in the
// 7 days before, all five models, with the purchase amount as value.
import type { BenchCase } from '../bench-case.ts';

export const attributionCases: BenchCase[] = [
  {
    name: 'attribution',
    model: 'attribution',
    body: (r) => ({
      ...r,
      targetEvent: { event: 'wealth_purchase' },
      touchpoints: [{ event: 'banner_click', splitBy: 'banner_id' }, { event: 'wealth_view' }],
      lookbackDays: 7,
      valueProperty: 'amount',
    }),
  },
];
