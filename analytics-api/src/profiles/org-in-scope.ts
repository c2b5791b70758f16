// Whether a profile's org codes fall inside a caller's org scope. A profile without a bank (a
// customer never seen with one) is visible only to callers whose scope is the whole tree, so
// bank staff can never reach customers of unknown affiliation.
import type { OrgScope } from '../permissions/org-scope.ts';

export function orgInScope(scope: OrgScope, bankCode: string, branchCode: string): boolean {
  if (scope.bankCodes !== 'all' && !scope.bankCodes.includes(bankCode)) return false;
  if (scope.branchCodes && !scope.branchCodes.includes(branchCode)) return false;
  return true;
}
