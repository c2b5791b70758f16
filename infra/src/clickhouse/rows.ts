// Row shapes written to ClickHouse: the contract between the collector's enrichment (which
// builds them), the transport (which carries them as JSON), and the ingestion writer (which
// inserts them). Column names match infra/clickhouse/migrations exactly; never add a field here
// without a migration.

/** One `events` row. Times are ms since epoch (UTC). */
export interface EventRow {
  app_id: string;
  event: string;
  time: number;
  receive_time: number;
  uuid: string;
  distinct_id: string;
  login_id: string;
  /** 0 until the ingestion writer resolves the person through ID-Mapping. */
  person_id: number;
  session_id: string;
  bank_code: string;
  branch_code: string;
  channel: string;
  lib: string;
  lib_version: string;
  app_version: string;
  os: string;
  os_version: string;
  browser: string;
  browser_version: string;
  device_model: string;
  device_type: string;
  ip: string;
  props: Record<string, string>;
  num_props: Record<string, number>;
}

export type ProfileOp =
  | 'profile_set'
  | 'profile_set_once'
  | 'profile_increment'
  | 'profile_append'
  | 'profile_unset'
  | 'profile_delete';

/** One `profile_ops` row. */
export interface ProfileOpRow {
  app_id: string;
  op: ProfileOp;
  time: number;
  receive_time: number;
  uuid: string;
  distinct_id: string;
  login_id: string;
  person_id: number;
  bank_code: string;
  branch_code: string;
  props: Record<string, string>;
  num_props: Record<string, number>;
}

/** An explicit identity bind/unbind from an SDK (`bind(type, value)`), applied by ID-Mapping. */
export interface IdentityOpRow {
  app_id: string;
  op: 'bind' | 'unbind';
  time: number;
  receive_time: number;
  uuid: string;
  distinct_id: string;
  login_id: string;
  identities: Record<string, string>;
}

/** What one accepted batch becomes: the unit the transport carries and the writer applies. */
export interface IngestBatch {
  events: EventRow[];
  profileOps: ProfileOpRow[];
  identityOps: IdentityOpRow[];
}
