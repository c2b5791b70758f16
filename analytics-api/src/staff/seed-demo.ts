// Demo organisation and staff for the embedded demo and tests: one union, two prefecture
// offices, three banks (one directly under the union), two branches, and one account per role
// and tier. Idempotent: existing codes and usernames are left as they are. The passwords are
// printed by the demo loader; never call this against a production database.
import type { Pool } from 'mysql2/promise';
import { importOrgCsv } from '../orgs/org-csv.ts';
import type { Role } from '../permissions/role-matrix.ts';
import { createStaff } from './staff-admin.ts';

export const DEMO_ORG_CSV = `code,name,tier,parent_code
U00,示范省农村信用社联合社,union,
P01,东部办事处,prefecture,U00
P02,西部办事处,prefecture,U00
B001,东城农商银行,bank,P01
B002,西山农商银行,bank,P02
B003,直属农商银行,bank,U00
B001-01,东城农商银行营业部,branch,B001
B002-01,西山农商银行城关支行,branch,B002
`;

export interface DemoAccount {
  readonly username: string;
  readonly password: string;
  readonly orgCode: string;
  readonly roles: readonly Role[];
}

/** One password for every demo account: meets the policy, obviously not for production. */
export const DEMO_PASSWORD = 'Tally-demo-2026!';

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { username: 'admin', password: DEMO_PASSWORD, orgCode: 'U00', roles: ['platform_admin'] },
  { username: 'union.analyst', password: DEMO_PASSWORD, orgCode: 'U00', roles: ['analyst'] },
  { username: 'p01.admin', password: DEMO_PASSWORD, orgCode: 'P01', roles: ['org_admin'] },
  { username: 'b001.admin', password: DEMO_PASSWORD, orgCode: 'B001', roles: ['org_admin'] },
  { username: 'b001.analyst', password: DEMO_PASSWORD, orgCode: 'B001', roles: ['analyst'] },
  { username: 'b001.operator', password: DEMO_PASSWORD, orgCode: 'B001', roles: ['operator'] },
  { username: 'b001.viewer', password: DEMO_PASSWORD, orgCode: 'B001', roles: ['viewer'] },
  { username: 'b002.admin', password: DEMO_PASSWORD, orgCode: 'B002', roles: ['org_admin'] },
  { username: 'b002.analyst', password: DEMO_PASSWORD, orgCode: 'B002', roles: ['analyst'] },
  {
    username: 'b001-01.manager',
    password: DEMO_PASSWORD,
    orgCode: 'B001-01',
    roles: ['analyst', 'operator'],
  },
];

export async function seedDemoOrgAndStaff(db: { readonly pool: Pool }): Promise<readonly DemoAccount[]> {
  await importOrgCsv(db.pool, DEMO_ORG_CSV);
  for (const account of DEMO_ACCOUNTS) {
    try {
      await createStaff(db.pool, account);
    } catch (error) {
      if ((error as { code?: string }).code !== 'STAFF_EXISTS') throw error;
    }
  }
  return DEMO_ACCOUNTS;
}
