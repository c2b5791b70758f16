// Demo customers: each belongs to a bank and a branch, uses one to three devices (phones, web
// banking, mini-program), and has an engagement level that sets how often they open the app.
import type { DemoProvince } from './org-tree.ts';
import type { Random } from './random.ts';

export type Channel = 'app' | 'web' | 'miniprogram';

export interface DemoDevice {
  readonly distinctId: string;
  readonly channel: Channel;
  readonly os: string;
  readonly model: string;
}

export interface DemoCustomer {
  readonly customerId: string;
  readonly bankCode: string;
  readonly branchCode: string;
  readonly devices: readonly DemoDevice[];
  /** Probability of being active on an ordinary weekday. */
  readonly engagement: number;
  readonly ageBand: string;
  readonly level: string;
}

const PHONES = [
  ['Android', 'HUAWEI Mate 60'],
  ['Android', 'Xiaomi 14'],
  ['Android', 'OPPO Reno11'],
  ['Android', 'vivo X100'],
  ['iOS', 'iPhone 15'],
  ['iOS', 'iPhone 13'],
] as const;

export function buildCustomers(random: Random, province: DemoProvince, count: number): DemoCustomer[] {
  const customers: DemoCustomer[] = [];
  // Bigger banks near the capital: a skewed bank distribution, like real deposit shares.
  const weightedBanks = province.banks.map((b, i) => [b, 1 / (1 + i * 0.03)] as const);
  for (let i = 0; i < count; i++) {
    const bank = random.weighted(weightedBanks);
    const branch = random.pick(province.branchesByBank.get(bank.code)!);
    const deviceCount = random.weighted([
      [1, 70],
      [2, 25],
      [3, 5],
    ] as const);
    const devices: DemoDevice[] = [];
    for (let d = 0; d < deviceCount; d++) {
      const channel: Channel =
        d === 0
          ? 'app'
          : random.weighted([
              ['app', 3],
              ['web', 2],
              ['miniprogram', 2],
            ] as const);
      const [os, model] = channel === 'app' ? random.pick(PHONES) : (['Windows', 'PC'] as const);
      devices.push({ distinctId: `dev-${random.uuid().slice(0, 18)}`, channel, os, model });
    }
    customers.push({
      customerId: `C${String(1_000_000_000 + i)}`,
      bankCode: bank.code,
      branchCode: branch.code,
      devices,
      engagement: Math.min(0.9, random.logNormal(0.18, 0.8)),
      ageBand: random.weighted([
        ['18-25', 15],
        ['26-35', 25],
        ['36-45', 25],
        ['46-60', 25],
        ['60+', 10],
      ] as const),
      level: random.weighted([
        ['普通', 70],
        ['银卡', 20],
        ['金卡', 8],
        ['钻石', 2],
      ] as const),
    });
  }
  return customers;
}
