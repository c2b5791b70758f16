// The raw material of engine tests: events as ingestion wrote them (with the person at ingestion
// time), the ID-Mapping overrides in force (device person -> customer person) and current
// profiles. Loaded into ClickHouse by load-dataset.ts; read directly by the reference models.

export interface RawEvent {
  readonly event: string;
  /** Epoch ms (UTC). */
  readonly time: number;
  /** events.person_id: the person at ingestion. */
  readonly personId: number;
  readonly bankCode: string;
  readonly branchCode: string;
  readonly sessionId: string;
  readonly props: Readonly<Record<string, string>>;
  readonly numProps: Readonly<Record<string, number>>;
  /** The login id the event carried ('' for anonymous events). */
  readonly loginId?: string;
}

export interface Profile {
  /** The resolved (current) person. */
  readonly personId: number;
  readonly bankCode: string;
  readonly branchCode: string;
  readonly props: Readonly<Record<string, string>>;
  readonly numProps: Readonly<Record<string, number>>;
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** The customer's login id ('' or absent for a device). */
  readonly loginId?: string;
}

export interface Dataset {
  readonly events: readonly RawEvent[];
  /** [old person, new person]: flattened, as the writer stores them. */
  readonly overrides: ReadonlyArray<readonly [number, number]>;
  readonly profiles: readonly Profile[];
}

/** A compact way to write scenario events by hand. */
export function ev(
  personId: number,
  event: string,
  time: string | number,
  extra: Partial<Omit<RawEvent, 'personId' | 'event' | 'time'>> = {},
): RawEvent {
  return {
    event,
    time: typeof time === 'number' ? time : Date.parse(time),
    personId,
    bankCode: extra.bankCode ?? 'B001',
    branchCode: extra.branchCode ?? '',
    sessionId: extra.sessionId ?? '',
    props: extra.props ?? {},
    numProps: extra.numProps ?? {},
    loginId: extra.loginId ?? '',
  };
}

/** A compact way to write a scenario profile by hand (bank B001, no properties by default). */
export function profileOf(personId: number, extra: Partial<Omit<Profile, 'personId'>> = {}): Profile {
  return {
    personId,
    bankCode: extra.bankCode ?? 'B001',
    branchCode: extra.branchCode ?? '',
    props: extra.props ?? {},
    numProps: extra.numProps ?? {},
    firstSeen: extra.firstSeen ?? 0,
    lastSeen: extra.lastSeen ?? 0,
    ...(extra.loginId === undefined ? {} : { loginId: extra.loginId }),
  };
}
