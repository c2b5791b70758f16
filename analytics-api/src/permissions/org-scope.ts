// The org subtree a request may see, resolved from the caller (staff login or API token) by the
// permissions layer. Every query builder takes an OrgScope and adds its condition itself, so a
// route that forgets a check still cannot return rows outside the caller's subtree.

export interface OrgScope {
  /** Bank codes the caller may see; 'all' only for union-level staff (who may also narrow it). */
  readonly bankCodes: readonly string[] | 'all';
  /** When set, rows are further restricted to these branch codes (branch-level staff). */
  readonly branchCodes?: readonly string[];
}

/** SQL condition + parameters for an OrgScope over columns `bank_code` / `branch_code`. */
export function orgScopeCondition(
  scope: OrgScope,
  alias = '',
): { sql: string; params: Record<string, readonly string[]> } {
  const col = (name: string) => (alias ? `${alias}.${name}` : name);
  const parts: string[] = [];
  const params: Record<string, readonly string[]> = {};
  if (scope.bankCodes !== 'all') {
    parts.push(`${col('bank_code')} IN {scope_banks:Array(String)}`);
    params.scope_banks = scope.bankCodes;
  }
  if (scope.branchCodes) {
    parts.push(`${col('branch_code')} IN {scope_branches:Array(String)}`);
    params.scope_branches = scope.branchCodes;
  }
  return { sql: parts.length ? parts.join(' AND ') : '1', params };
}
