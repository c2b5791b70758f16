// Who is calling: a logged-in staff member, an API token, or nobody (public routes). Resolved once
// per request by the auth layer; routes read it, never rebuild it.
import type { OrgTier } from '../orgs/org-tiers.ts';
import type { Permission } from './permission.ts';
import type { Role } from './role-matrix.ts';

export interface Principal {
  readonly kind: 'staff' | 'token' | 'anonymous';
  /** Staff id or token id (as a string); '' when anonymous. */
  readonly id: string;
  /** Username or token label, for audit entries and logs. */
  readonly name: string;
  readonly orgCode: string;
  /** Materialised path of the org node, e.g. `/U00/P01/B001/`; '' when anonymous. */
  readonly orgPath: string;
  readonly orgTier: OrgTier | null;
  readonly roles: readonly Role[];
  readonly permissions: ReadonlySet<Permission>;
  /** Set for cookie sessions: state-changing calls must echo it in X-CSRF-Token. */
  readonly csrfToken?: string;
  /** Hash of the presented session token (cookie sessions), for logout. */
  readonly sessionHash?: string;
}

export const ANONYMOUS: Principal = Object.freeze({
  kind: 'anonymous',
  id: '',
  name: '',
  orgCode: '',
  orgPath: '',
  orgTier: null,
  roles: [],
  permissions: new Set<Permission>(['public']),
});
