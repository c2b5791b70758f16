// Busier data sets than the shared arbitraries for the attribution and path property tests: few
// customers, many events each on a 30-minute clock around RANGE, so a conversion commonly has
// three or more touchpoints in its window and sessions have several steps (the shared sets are
// sparse enough that multi-touch weights would rarely be exercised). Same names, properties,
// merges and catalog seed as support/arbitraries.ts; profiles (level, age) for some customers.
import fc from 'fast-check';
import { catalogSeed, EVENT_NAMES } from '../support/arbitraries.ts';
import type { Dataset, Profile, RawEvent } from '../support/dataset.ts';

export interface BusyClock {
  /** First instant, number of ticks and minutes per tick events fall on. */
  readonly base: number;
  readonly ticks: number;
  readonly tickMinutes: number;
}

/** Six days around RANGE on a 30-minute clock. */
const AROUND_RANGE: BusyClock = {
  base: Date.parse('2026-02-28T12:00:00Z'),
  ticks: (6 * 24 * 60) / 30,
  tickMinutes: 30,
};

/** Eight hours inside RANGE (in every generated zone) on a 5-minute clock: sessions of many steps,
 *  some across a midnight of the zone. */
export const SESSION_HOURS: BusyClock = {
  base: Date.parse('2026-03-03T00:00:00Z'),
  ticks: (8 * 60) / 5,
  tickMinutes: 5,
};

export const arbBusyDatasetWith = ({ base, ticks, tickMinutes }: BusyClock = AROUND_RANGE) =>
  fc
    .record({
      events: fc.array(
        fc.record({
          personId: fc.constantFrom(1, 2, 101, 102),
          event: fc.constantFrom(...EVENT_NAMES),
          tick: fc.integer({ min: 0, max: ticks }),
          bankCode: fc.constantFrom('B001', 'B002'),
          plan: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
          amount: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
          session: fc.constantFrom('s1', 's2', ''),
        }),
        { minLength: 20, maxLength: 70 },
      ),
      merge101: fc.boolean(),
      // Profiles of the two customers (either may have none: "users without the property").
      profiles: fc.subarray([1, 2]).chain((ids) =>
        fc.tuple(
          ...ids.map((personId) =>
            fc.record({
              personId: fc.constant(personId),
              level: fc.option(fc.constantFrom('gold', 'silver'), { nil: undefined }),
              age: fc.option(fc.integer({ min: 18, max: 80 }), { nil: undefined }),
            }),
          ),
        ),
      ),
    })
    .map(({ events, merge101, profiles }): Dataset => {
      const seed = catalogSeed();
      return {
        events: [
          ...seed.events,
          ...events.map(
            (e): RawEvent => ({
              event: e.event,
              time: base + e.tick * tickMinutes * 60_000,
              personId: e.personId,
              bankCode: e.bankCode,
              branchCode: '',
              sessionId: e.session,
              props: e.plan === undefined ? {} : { plan: e.plan },
              numProps: e.amount === undefined ? {} : { amount: e.amount },
            }),
          ),
        ],
        overrides: merge101 ? [[101, 1]] : [[102, 2]],
        profiles: [
          seed.profile,
          ...profiles.map(
            (p): Profile => ({
              personId: p.personId,
              bankCode: 'B001',
              branchCode: '',
              props: p.level === undefined ? {} : { level: p.level },
              numProps: p.age === undefined ? {} : { age: p.age },
              firstSeen: base,
              lastSeen: base,
            }),
          ),
        ],
      };
    });

export const arbBusyDataset: fc.Arbitrary<Dataset> = arbBusyDatasetWith();
