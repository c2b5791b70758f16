// fast-check generators of small, nasty data sets for the property tests: a few device persons and
// customers, some devices merged into customers, events on a coarse clock (so timestamps tie),
// repeated events, two banks, optional string/numeric properties, profiles for some persons, and
// time zones whose day boundaries differ from UTC. Every generated set also carries a catalog
// seed (one old event of each name with every property, one profile with every user property)
// so random queries never name something the catalog has not seen.
import fc from 'fast-check';
import type { Dataset, Profile, RawEvent } from './dataset.ts';

export const EVENT_NAMES = ['view', 'click', 'buy', 'login'] as const;
export const BANKS = ['B001', 'B002'] as const;
export const ZONES = ['Asia/Shanghai', 'UTC', 'Asia/Kolkata', 'America/Sao_Paulo'] as const;
/** Query range used with these data sets: 2026-03-02 .. 2026-03-05 in the query's zone. */
export const RANGE = { from: '2026-03-02', to: '2026-03-05' } as const;
const BASE = Date.parse('2026-02-28T00:00:00Z');
const SPAN_MINUTES = 12 * 24 * 60;
const CUSTOMERS = [1, 2, 3];
const DEVICES = [101, 102, 103, 104, 105];
export const SEED_PERSON = 9999;

export interface ClockOptions {
  /** First instant and span (minutes) events fall in. */
  readonly base?: number;
  readonly spanMinutes?: number;
  /** Events fall on multiples of this many minutes (coarse = many ties and exact window edges). */
  readonly tickMinutes?: number;
  /** How many events a data set holds (default 0-40, drawn across the whole range). */
  readonly minEvents?: number;
  readonly maxEvents?: number;
}

const arbEvent = ({ base = BASE, spanMinutes = SPAN_MINUTES, tickMinutes = 20 }: ClockOptions) =>
  fc.record({
    personId: fc.constantFrom(...CUSTOMERS, ...DEVICES),
    event: fc.constantFrom(...EVENT_NAMES),
    // A coarse clock, or one of a few hot instants (ties).
    time: fc.oneof(
      fc
        .integer({ min: 0, max: Math.floor(spanMinutes / tickMinutes) })
        .map((i) => base + i * tickMinutes * 60_000),
      fc.constantFrom(BASE + 3 * 86_400_000, BASE + 3 * 86_400_000 + 60_000, BASE + 4.5 * 86_400_000),
    ),
    bankCode: fc.constantFrom(...BANKS),
    plan: fc.option(fc.constantFrom('a', 'b', 'gold plan'), { nil: undefined }),
    amount: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    session: fc.constantFrom('s1', 's2', ''),
  });

const arbProfile = (personId: number) =>
  fc
    .record({
      level: fc.option(fc.constantFrom('gold', 'silver'), { nil: undefined }),
      age: fc.option(fc.integer({ min: 18, max: 80 }), { nil: undefined }),
      bankCode: fc.constantFrom(...BANKS),
      // First seen on a 6-hour clock around the range (midnights in every zone are common), last
      // seen up to two days later: the date filters' day edges.
      firstSeen: fc.integer({ min: 0, max: 6 * 4 }).map((k) => BASE + k * 6 * 3_600_000),
      seenFor: fc.constantFrom(0, 1_000, 86_400_000, 2 * 86_400_000),
    })
    .map(
      (p): Profile => ({
        personId,
        bankCode: p.bankCode,
        branchCode: '',
        props: p.level === undefined ? {} : { level: p.level },
        numProps: p.age === undefined ? {} : { age: p.age },
        firstSeen: p.firstSeen,
        lastSeen: p.firstSeen + p.seenFor,
      }),
    );

/** Seed rows that make every generated name known to the catalog (far before any range). */
export function catalogSeed(): { events: RawEvent[]; profile: Profile } {
  const time = Date.parse('2025-01-01T00:00:00Z');
  return {
    events: EVENT_NAMES.map((event) => ({
      event,
      time,
      personId: SEED_PERSON,
      bankCode: 'B003',
      branchCode: '',
      sessionId: '',
      props: { plan: 'seed' },
      numProps: { amount: 1 },
    })),
    profile: {
      personId: SEED_PERSON,
      bankCode: 'B003',
      branchCode: '',
      props: { level: 'seed' },
      numProps: { age: 1 },
      firstSeen: time,
      lastSeen: time,
    },
  };
}

/** Data sets whose events spread over 12 days around RANGE (default), or a denser clock. */
export const arbDatasetWith = (clock: ClockOptions = {}): fc.Arbitrary<Dataset> =>
  fc
    .record({
      events: fc.array(arbEvent(clock), {
        minLength: clock.minEvents ?? 0,
        maxLength: clock.maxEvents ?? 40,
        size: 'max',
      }),
      // Each device is merged into a customer or stays anonymous.
      merges: fc.array(fc.option(fc.constantFrom(...CUSTOMERS), { nil: undefined }), {
        minLength: DEVICES.length,
        maxLength: DEVICES.length,
      }),
      profiled: fc.subarray(CUSTOMERS),
    })
    .chain(({ events, merges, profiled }) =>
      fc.tuple(...profiled.map((id) => arbProfile(id))).map((profiles): Dataset => {
        const seed = catalogSeed();
        return {
          events: [
            ...seed.events,
            ...events.map(
              (e): RawEvent => ({
                event: e.event,
                time: e.time,
                personId: e.personId,
                bankCode: e.bankCode,
                branchCode: '',
                sessionId: e.session,
                props: e.plan === undefined ? {} : { plan: e.plan },
                numProps: e.amount === undefined ? {} : { amount: e.amount },
              }),
            ),
          ],
          overrides: DEVICES.flatMap((d, i) => (merges[i] === undefined ? [] : [[d, merges[i]] as const])),
          profiles: [seed.profile, ...profiles],
        };
      }),
    );

export const arbDataset = arbDatasetWith();

/**
 * The data set with the customers' own events carrying their login id, as ingestion writes them
 * (the generated events carry none): then a customer's events need no ID-Mapping, which the
 * dictionary route and the daily projection of event analysis rely on.
 */
export const withCustomerLogins = (data: Dataset): Dataset => ({
  ...data,
  events: data.events.map((e) => (CUSTOMERS.includes(e.personId) ? { ...e, loginId: `C${e.personId}` } : e)),
});

/**
 * Busy customers: 30-80 events of 8 persons within one day on a 15-minute clock, so several
 * attempts per customer, steps 3 and 4, other events between two steps and gaps of exactly a
 * timeout or window are common (the spread-out data sets rarely hold them).
 */
export const arbBusyDayDataset = arbDatasetWith({
  base: Date.parse('2026-03-03T00:00:00Z'),
  spanMinutes: 24 * 60,
  tickMinutes: 15,
  minEvents: 30,
  maxEvents: 80,
});

/** Events packed into the range's days on a 30-minute clock: window edges and ties are common. */
export const arbDenseDataset = arbDatasetWith({
  base: Date.parse('2026-03-01T12:00:00Z'),
  spanMinutes: 4 * 24 * 60,
  tickMinutes: 30,
});

export const arbZone = fc.constantFrom(...ZONES);

/** Random global filters over the generated properties. */
export const arbFilters = fc.array(
  fc.oneof(
    fc.record({
      source: fc.constant('event' as const),
      property: fc.constant('plan'),
      op: fc.constantFrom('eq' as const, 'neq' as const, 'contains' as const),
      values: fc.constant(['a']),
    }),
    fc.record({
      source: fc.constant('event' as const),
      property: fc.constant('plan'),
      op: fc.constantFrom('in' as const, 'not_in' as const, 'not_contains' as const),
      values: fc.constantFrom(['a', 'gold plan'], ['b']),
    }),
    fc.record({
      source: fc.constant('event' as const),
      property: fc.constant('amount'),
      op: fc.constantFrom('gt' as const, 'gte' as const, 'lt' as const, 'lte' as const),
      values: fc.constant([50]),
    }),
    fc.record({
      source: fc.constant('event' as const),
      property: fc.constant('$bank_code'),
      op: fc.constant('eq' as const),
      values: fc.constant(['B001']),
    }),
    fc.record({
      source: fc.constant('user' as const),
      property: fc.constant('level'),
      op: fc.constantFrom('eq' as const, 'is_set' as const, 'not_set' as const),
      values: fc.constant(['gold']),
    }),
    fc.record({
      source: fc.constant('user' as const),
      property: fc.constant('level'),
      op: fc.constantFrom('in' as const, 'not_in' as const),
      values: fc.constantFrom(['gold', 'silver'], ['gold']),
    }),
    fc.record({
      source: fc.constant('user' as const),
      property: fc.constantFrom('$first_seen', '$last_seen'),
      op: fc.constantFrom('before' as const, 'after' as const),
      // A day (its edges fall at the zone's midnight), an hour, a second.
      values: fc.constantFrom(['2026-03-02'], ['2026-03-03 06'], ['2026-03-01 18:00:00']),
    }),
    fc.record({
      source: fc.constant('user' as const),
      property: fc.constant('age'),
      op: fc.constant('between' as const),
      values: fc.constant([30, 60]),
    }),
  ),
  { maxLength: 2 },
);

export const arbGroupBy = fc.option(
  fc.constantFrom(
    [{ source: 'event' as const, property: 'plan' }],
    [{ source: 'event' as const, property: 'amount', buckets: [10, 50] }],
    [{ source: 'user' as const, property: 'level' }],
    [
      { source: 'event' as const, property: '$bank_code' },
      { source: 'user' as const, property: 'level' },
    ],
  ),
  { nil: undefined },
);
