// Generates a province's mobile-banking behaviour over a number of days ending at `endDay`:
// customers are active more on weekdays and in the morning, early afternoon and evening (Beijing
// time), profiles are set once per customer, and the output size is steered by `events`
// (10^5 for the demo, up to 10^8 for benchmarks). Deterministic for a given seed.
import { buildCustomers, type DemoCustomer } from './customers.ts';
import { buildDemoProvince, type DemoProvince } from './org-tree.ts';
import { seededRandom } from './random.ts';
import { sessionEvents } from './session-script.ts';
import type { WireEvent } from './wire-event.ts';

export interface DemoOptions {
  /** Approximate number of track events to produce. */
  readonly events: number;
  readonly days?: number;
  /** Last day covered, as ms since epoch of any moment in it (default: now). */
  readonly endTime?: number;
  readonly seed?: number;
}

export interface DemoDataSet {
  readonly province: DemoProvince;
  readonly customers: readonly DemoCustomer[];
  /** Batches of events in generation order (one customer-day per yield). */
  readonly batches: () => Generator<WireEvent[]>;
}

/** Average track events per customer per day with the default engagement mix (measured). */
const EVENTS_PER_CUSTOMER_DAY = 1.94;
const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

// Relative activity per Beijing hour 0-23: quiet nights, peaks at 9-11, 14-16 and 20-22.
const HOUR_WEIGHTS = [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1.5, 3, 5, 7, 7, 6, 4, 4, 6, 6, 5, 5, 4, 5, 7, 7, 5, 2];
const HOURS = HOUR_WEIGHTS.map((w, h) => [h, w] as const);

export function generateDemoData(options: DemoOptions): DemoDataSet {
  const days = options.days ?? 30;
  const seed = options.seed ?? 20261122;
  const province = buildDemoProvince(seed);
  const random = seededRandom(seed);
  const customerCount = Math.max(20, Math.round(options.events / (days * EVENTS_PER_CUSTOMER_DAY)));
  const customers = buildCustomers(random, province, customerCount);
  // Midnight, Beijing time, of the first day.
  const endTime = options.endTime ?? Date.now();
  const lastMidnight = Math.floor((endTime + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS;
  const firstMidnight = lastMidnight - (days - 1) * DAY_MS;

  function* batches(): Generator<WireEvent[]> {
    const dayRandom = seededRandom(seed + 1);
    const knownDevices = new Set<string>();
    for (const customer of customers) yield profileEvents(customer, firstMidnight, dayRandom);
    for (let d = 0; d < days; d++) {
      const midnight = firstMidnight + d * DAY_MS;
      const weekday = new Date(midnight + SHANGHAI_OFFSET_MS).getUTCDay();
      const dayFactor = weekday === 0 || weekday === 6 ? 0.7 : 1;
      for (const customer of customers) {
        if (!dayRandom.chance(customer.engagement * dayFactor)) continue;
        const out: WireEvent[] = [];
        for (
          let s = dayRandom.weighted([
            [1, 75],
            [2, 20],
            [3, 5],
          ] as const);
          s > 0;
          s--
        ) {
          const device = dayRandom.weighted(
            customer.devices.map((dev, i) => [dev, i === 0 ? 4 : 1] as const),
          );
          const start = midnight + dayRandom.weighted(HOURS) * 3_600_000 + dayRandom.int(0, 3_599_000);
          if (start > endTime) continue;
          out.push(
            ...sessionEvents({
              random: dayRandom,
              customer,
              device,
              start,
              knownDevice: knownDevices.has(device.distinctId),
            }),
          );
          knownDevices.add(device.distinctId);
        }
        if (out.length > 0) yield out.filter((e) => e.time <= endTime);
      }
    }
  }
  return { province, customers, batches };
}

function profileEvents(
  customer: DemoCustomer,
  time: number,
  random: ReturnType<typeof seededRandom>,
): WireEvent[] {
  const device = customer.devices[0]!;
  return [
    {
      type: 'profile_set',
      uuid: random.uuid(),
      time,
      distinct_id: device.distinctId,
      login_id: customer.customerId,
      properties: {
        age_band: customer.ageBand,
        customer_level: customer.level,
        open_branch: customer.branchCode,
        $bank_code: customer.bankCode,
        $branch_code: customer.branchCode,
      },
    },
  ];
}
