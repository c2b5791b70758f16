// The API's own types, imported from its schema files (type-only, erased by the build), so the
// console is typechecked against exactly what the API validates and answers.
import type { whoami } from '../../../analytics-api/src/auth/whoami.ts';

export type Whoami = ReturnType<typeof whoami>;
export type { CatalogEvent, CatalogProperty } from '../../../analytics-api/src/catalog/schema.ts';
export type {
  Card,
  Dashboard,
  DashboardInput,
  DashboardWithAnalyses,
  SavableModel,
  SavedAnalysis,
  SavedAnalysisInput,
  TimePreset,
  TimeRange,
} from '../../../analytics-api/src/dashboards/schema.ts';
export type {
  Filter,
  FilterOp,
  Granularity,
  GroupBy,
} from '../../../analytics-api/src/models/common/query-schema.ts';
export type { DistributionPersonsQuery } from '../../../analytics-api/src/models/distribution/schema.ts';
export type { EventQuery, EventResult, Metric } from '../../../analytics-api/src/models/event/schema.ts';
export type {
  FunnelPersonsQuery,
  FunnelQuery,
  FunnelResult,
} from '../../../analytics-api/src/models/funnel/schema.ts';
export type {
  RetentionPersonsQuery,
  RetentionQuery,
  RetentionResult,
} from '../../../analytics-api/src/models/retention/schema.ts';
export type { UserPropertiesPersonsQuery } from '../../../analytics-api/src/models/user-properties/schema.ts';

import type { PersonListResultSchema } from '../../../analytics-api/src/models/common/person-list.ts';

/** The API exports no name for this answer: TypeBox's phantom `static` member is its type. */
export type PersonListResult = (typeof PersonListResultSchema)['static'];

export interface OrgNode {
  readonly code: string;
  readonly name: string;
  readonly tier: string;
  readonly parentCode: string | null;
  readonly path: string;
  readonly bankCode: string;
}

export interface AppInfo {
  readonly id: string;
  readonly name: string;
  readonly ownerOrgCode: string;
  readonly timeZone: string;
}

export interface OnlineNow {
  readonly minutes: number;
  readonly asOf: string;
  readonly total: number;
  readonly byBank: ReadonlyArray<{ bankCode: string; users: number }>;
  readonly byBranch: ReadonlyArray<{ bankCode: string; branchCode: string; users: number }>;
  readonly series: ReadonlyArray<{ minute: string; users: number }>;
}
