// The integer-division shortcut for calendar days is taken only when every midnight of the range
// is a whole number of 24 h after its start in the query's zone.
import { describe, expect, it } from 'vitest';
import { dayIndexSql, hasFixedLengthDays } from '../../../src/models/common/day-index-sql.ts';
import { resolveTimeRange } from '../../../src/models/common/time-range.ts';

describe('calendar days of a session range', () => {
  it('are fixed-length in zones without a DST change in the range', () => {
    expect(hasFixedLengthDays(resolveTimeRange('2026-01-01', '2026-12-31', 'Asia/Shanghai'))).toBe(true);
    expect(hasFixedLengthDays(resolveTimeRange('2026-03-01', '2026-03-07', 'America/New_York'))).toBe(true);
    expect(hasFixedLengthDays(resolveTimeRange('2026-03-02', '2026-03-05', 'Asia/Kolkata'))).toBe(true);
  });

  it('are not when the range holds a DST change, so the zone conversion is used', () => {
    // New York moves to EDT on 2026-03-08 (a 23-hour day) and back on 2026-11-01 (25 hours).
    const spring = resolveTimeRange('2026-03-07', '2026-03-09', 'America/New_York');
    expect(hasFixedLengthDays(spring)).toBe(false);
    expect(hasFixedLengthDays(resolveTimeRange('2026-03-01', '2026-11-30', 'America/New_York'))).toBe(false);
    expect(dayIndexSql(spring, 't', '{p1:Int64}')).toContain('{tz:String}');
    expect(dayIndexSql(resolveTimeRange('2026-03-01', '2026-03-07', 'UTC'), 't', '{p1:Int64}')).toBe(
      'intDiv(t, 86400000)',
    );
  });
});
