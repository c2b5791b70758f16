// The four tiers of the organisation tree and which tier may sit under which. Branches always sit
// under a bank, so every node below the bank tier resolves to exactly one bank code.

export const ORG_TIERS = ['union', 'prefecture', 'bank', 'branch'] as const;
export type OrgTier = (typeof ORG_TIERS)[number];

/** Allowed parent tiers per tier (a union is the root and has none). */
export const PARENT_TIERS: Readonly<Record<OrgTier, readonly OrgTier[]>> = {
  union: [],
  prefecture: ['union'],
  // Banks supervised by the union directly exist, so prefecture offices are optional.
  bank: ['prefecture', 'union'],
  branch: ['bank'],
};

/** Org codes: letters, digits, `-`; safe inside the `/`-separated path and LIKE patterns. */
export const ORG_CODE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9-]{0,63}$';
