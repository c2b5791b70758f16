// The comparison period's dates and the relative change, against calendar facts worked out by
// hand (month ends, leap years, a range across a year boundary).
import { describe, expect, it } from 'vitest';
import { comparisonRange, readComparison, relativeChange } from '../../src/pages/analysis/comparison.ts';

describe('comparison period', () => {
  it('previous: the same number of days, ending the day before', () => {
    expect(comparisonRange({ from: '2026-11-23', to: '2026-11-29' }, 'previous')).toEqual({
      from: '2026-11-16',
      to: '2026-11-22',
    });
    // 1 to 31 March is 31 days; the 31 days before end on 28 Feb (2026 is no leap year).
    expect(comparisonRange({ from: '2026-03-01', to: '2026-03-31' }, 'previous')).toEqual({
      from: '2026-01-29',
      to: '2026-02-28',
    });
    expect(comparisonRange({ from: '2026-01-01', to: '2026-01-01' }, 'previous')).toEqual({
      from: '2025-12-31',
      to: '2025-12-31',
    });
  });

  it('month and year: the same dates earlier, clamped to the month end', () => {
    expect(comparisonRange({ from: '2026-03-01', to: '2026-03-31' }, 'month')).toEqual({
      from: '2026-02-01',
      to: '2026-02-28',
    });
    expect(comparisonRange({ from: '2026-01-15', to: '2026-01-31' }, 'month')).toEqual({
      from: '2025-12-15',
      to: '2025-12-31',
    });
    expect(comparisonRange({ from: '2028-02-29', to: '2028-03-06' }, 'year')).toEqual({
      from: '2027-02-28',
      to: '2027-03-06',
    });
  });

  it('refuses a reversed or unreadable range; unknown URL choices mean no comparison', () => {
    expect(comparisonRange({ from: '2026-11-29', to: '2026-11-23' }, 'previous')).toBeNull();
    expect(comparisonRange({ from: 'x', to: '2026-11-23' }, 'previous')).toBeNull();
    expect(readComparison(new URLSearchParams('vs=previous'))).toBe('previous');
    expect(readComparison(new URLSearchParams('vs=decade'))).toBeNull();
    expect(readComparison(new URLSearchParams(''))).toBeNull();
  });

  it('relative change: none from zero or a missing figure', () => {
    expect(relativeChange(150, 100)).toBe(0.5);
    expect(relativeChange(75, 100)).toBe(-0.25);
    expect(relativeChange(5, 0)).toBeNull();
    expect(relativeChange(null, 3)).toBeNull();
  });
});
