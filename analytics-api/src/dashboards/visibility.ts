// Who sees a board or saved analysis: things owned by the caller's own org node or by one of its
// ancestors (the union's overview reaches every bank; a bank's boards stay in that bank).
// Applied inside every SQL statement, never after the fact, so no read path can skip it.

/**
 * SQL condition on `org_path`: the owner's path is a prefix of the caller's path. Exact prefix by
 * LEFT(), not LIKE, so no character in an org code can act as a wildcard.
 */
export const VISIBLE_TO_CALLER = 'LEFT(?, CHAR_LENGTH(org_path)) = org_path';

/** Changes are for staff of the owning node only (ancestors' boards are read-only below). */
export const OWNED_BY_CALLER = 'org_path = ?';
