// The demo province: one union (省联社), prefecture offices (办事处), ~110 rural commercial banks
// (农商银行) and their branches (营业网点), with stable codes. The same tree seeds MySQL's org
// table and stamps bank/branch codes on demo events.
import { seededRandom } from './random.ts';

export type OrgTier = 'union' | 'prefecture' | 'bank' | 'branch';

export interface DemoOrg {
  readonly code: string;
  readonly name: string;
  readonly tier: OrgTier;
  readonly parentCode: string | null;
}

const PREFECTURES = [
  '长春',
  '吉林',
  '四平',
  '辽源',
  '通化',
  '白山',
  '松原',
  '白城',
  '延边',
  '梅河口',
  '公主岭',
  '珲春',
] as const;
const COUNTY_SUFFIXES = [
  '城区',
  '东丰',
  '西安',
  '南关',
  '北湖',
  '双阳',
  '九台',
  '农安',
  '德惠',
  '榆树',
] as const;
const BRANCH_NAMES = [
  '营业部',
  '人民路支行',
  '建设街支行',
  '新华支行',
  '开发区支行',
  '站前支行',
  '工农支行',
  '南湖支行',
] as const;

export interface DemoProvince {
  readonly orgs: readonly DemoOrg[];
  readonly banks: readonly DemoOrg[];
  readonly branchesByBank: ReadonlyMap<string, readonly DemoOrg[]>;
}

/** Builds the province: 12 prefectures x 9-10 banks = ~110 banks, 3-8 branches each. */
export function buildDemoProvince(seed = 7): DemoProvince {
  const random = seededRandom(seed);
  const orgs: DemoOrg[] = [{ code: 'U00', name: '吉林省农村信用社联合社', tier: 'union', parentCode: null }];
  const banks: DemoOrg[] = [];
  const branchesByBank = new Map<string, DemoOrg[]>();
  let bankNo = 0;
  PREFECTURES.forEach((city, p) => {
    const prefecture: DemoOrg = {
      code: `P${String(p + 1).padStart(2, '0')}`,
      name: `${city}办事处`,
      tier: 'prefecture',
      parentCode: 'U00',
    };
    orgs.push(prefecture);
    const bankCount = p < 2 ? 10 : 9;
    for (let b = 0; b < bankCount; b++) {
      bankNo += 1;
      const code = `B${String(bankNo).padStart(3, '0')}`;
      const bank: DemoOrg = {
        code,
        name: `${city}${COUNTY_SUFFIXES[b % COUNTY_SUFFIXES.length]}农商银行`,
        tier: 'bank',
        parentCode: prefecture.code,
      };
      orgs.push(bank);
      banks.push(bank);
      const branches: DemoOrg[] = [];
      const branchCount = random.int(3, 8);
      for (let r = 0; r < branchCount; r++) {
        const branch: DemoOrg = {
          code: `${code}-${String(r + 1).padStart(2, '0')}`,
          name: `${bank.name}${BRANCH_NAMES[r % BRANCH_NAMES.length]}`,
          tier: 'branch',
          parentCode: code,
        };
        orgs.push(branch);
        branches.push(branch);
      }
      branchesByBank.set(code, branches);
    }
  });
  return { orgs, banks, branchesByBank };
}
