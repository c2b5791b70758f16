// One resolved person's profile row from their members' operations and activity: the user
// properties (apply-ops.ts) plus the preset properties Tally maintains itself. Pure.
//   first_seen / last_seen: earliest / latest event of any member (0 = no event yet);
//   $first_channel (props): channel of the earliest event that named one;
//   $first_login_time (num_props, ms since epoch): earliest logged-in event;
//   bank_code / branch_code: of the latest event or operation (e.g. a CSV import) naming a bank.
// Presets win over user-set keys of the same name.
import { applyOps, compareOps } from './apply-ops.ts';
import type { Activity, StoredOpOf } from './profile-sources.ts';

export interface ProfileRow {
  app_id: string;
  person_id: number;
  login_id: string;
  bank_code: string;
  branch_code: string;
  props: Record<string, string>;
  num_props: Record<string, number>;
  first_seen: number;
  last_seen: number;
  version: number;
  is_deleted: 0 | 1;
}

export const PRESET_FIRST_CHANNEL = '$first_channel';
export const PRESET_FIRST_LOGIN_TIME = '$first_login_time';

export function buildProfile(input: {
  appId: string;
  personId: number;
  loginId: string;
  version: number;
  ops: readonly StoredOpOf[];
  activity: readonly Activity[];
}): ProfileRow {
  const { props, num_props } = applyOps([...input.ops].sort(compareOps));
  let firstSeen = Number.POSITIVE_INFINITY;
  let lastSeen = 0;
  let firstLogin = Number.POSITIVE_INFINITY;
  let channel = { value: '', time: Number.POSITIVE_INFINITY };
  let org = { bank: '', branch: '', time: Number.NEGATIVE_INFINITY };
  for (const a of input.activity) {
    if (a.events === 0) continue;
    firstSeen = Math.min(firstSeen, a.firstSeen);
    lastSeen = Math.max(lastSeen, a.lastSeen);
    if (a.firstLogin !== null) firstLogin = Math.min(firstLogin, a.firstLogin);
    if (a.firstChannel && a.firstChannelTime < channel.time)
      channel = { value: a.firstChannel, time: a.firstChannelTime };
    if (a.bankCode && a.orgTime > org.time) org = { bank: a.bankCode, branch: a.branchCode, time: a.orgTime };
  }
  for (const op of input.ops)
    if (op.bankCode && op.time > org.time) org = { bank: op.bankCode, branch: op.branchCode, time: op.time };
  if (channel.value) props[PRESET_FIRST_CHANNEL] = channel.value;
  if (Number.isFinite(firstLogin)) num_props[PRESET_FIRST_LOGIN_TIME] = firstLogin;
  return {
    app_id: input.appId,
    person_id: input.personId,
    login_id: input.loginId,
    bank_code: org.bank,
    branch_code: org.branch,
    props,
    num_props,
    first_seen: Number.isFinite(firstSeen) ? firstSeen : 0,
    last_seen: lastSeen,
    version: input.version,
    is_deleted: 0,
  };
}

/** A row that hides a person's profile (merged into a customer, or deleted). */
export function tombstone(appId: string, personId: number, version: number): ProfileRow {
  return {
    app_id: appId,
    person_id: personId,
    login_id: '',
    bank_code: '',
    branch_code: '',
    props: {},
    num_props: {},
    first_seen: 0,
    last_seen: 0,
    version,
    is_deleted: 1,
  };
}
