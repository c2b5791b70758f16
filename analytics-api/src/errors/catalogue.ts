// Every error the analytics API answers with, in one place: a stable code clients and operators
// can search for, the HTTP status, and a message that says what to do next. Feature code throws
// `new ApiError('CODE')`; it never builds error bodies itself.

export interface ApiErrorSpec {
  readonly status: number;
  readonly message: string;
}

export const API_ERRORS = {
  VALIDATION_FAILED: { status: 400, message: 'The request is invalid' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  NOT_AUTHENTICATED: {
    status: 401,
    message: 'Log in, or send an API token as "Authorization: Bearer tly_..."',
  },
  SESSION_INVALID: { status: 401, message: 'The session has expired or was ended; log in again' },
  TOKEN_INVALID: {
    status: 401,
    message: 'The API token is unknown, revoked or expired; ask an admin for a new one',
  },
  WRITE_KEY_NOT_ACCEPTED: {
    status: 401,
    message: 'An SDK write key can only send events to the collector; use an API token (tly_...) here',
  },
  CSRF_TOKEN_INVALID: {
    status: 403,
    message: 'Send the X-CSRF-Token header returned by login/whoami with every state-changing request',
  },
  LOGIN_FAILED: { status: 401, message: 'Wrong username or password' },
  LOGIN_LOCKED: { status: 429, message: 'Too many failed logins; wait before trying again' },
  PERMISSION_DENIED: { status: 403, message: 'Your roles do not allow this operation' },
  ORG_OUT_OF_SCOPE: { status: 403, message: 'That organisation is outside the part of the tree you may see' },
  ROLE_NOT_GRANTABLE: {
    status: 403,
    message: 'You can only grant roles whose permissions you hold yourself',
  },
  STAFF_OUT_OF_SCOPE: { status: 403, message: 'That staff account is outside what you may manage' },
  METADATA_UNION_ONLY: {
    status: 403,
    message:
      'Display names, descriptions and the hidden flag apply to the app for every bank, so only union-level admins may change them; ask an admin at the union to make the change',
  },
  PASSWORD_POLICY: {
    status: 400,
    message:
      'The password needs at least 10 characters from at least 3 classes (lower, upper, digit, symbol) and must differ from the username',
  },
  PASSWORD_WRONG: { status: 400, message: 'The current password is wrong' },
  ORG_NOT_FOUND: { status: 404, message: 'No organisation has that code' },
  ORG_EXISTS: { status: 409, message: 'An organisation with that code already exists' },
  ORG_PARENT_INVALID: {
    status: 400,
    message:
      'Parents must be one tier up: union > prefecture > bank > branch (a bank may sit under the union)',
  },
  ORG_MOVE_INVALID: {
    status: 400,
    message: 'An organisation cannot move under itself or its own descendants',
  },
  ORG_CSV_INVALID: { status: 400, message: 'The CSV could not be imported; nothing was changed' },
  STAFF_NOT_FOUND: { status: 404, message: 'No staff account has that id' },
  STAFF_EXISTS: { status: 409, message: 'That username is taken' },
  PLATFORM_ADMIN_NOT_UNION: { status: 400, message: 'Platform admins must belong to the union node' },
  TOKEN_NOT_FOUND: { status: 404, message: 'No API token has that id' },
  TOKEN_SCOPE_NOT_GRANTABLE: { status: 403, message: 'A token can only get permissions you hold yourself' },
  APP_NOT_FOUND: { status: 404, message: 'No app has that id' },
  APP_EXISTS: { status: 409, message: 'An app with that id already exists' },
  NOT_FOUND: { status: 404, message: 'No such endpoint' },
  UNKNOWN_EVENT: {
    status: 400,
    message: 'That event has never been received for this app; pick one from the catalog',
  },
  UNKNOWN_PROPERTY: {
    status: 400,
    message: 'That property has never been received for this app; pick one from the catalog',
  },
  FILTER_INVALID: { status: 400, message: 'The filter does not fit its operator' },
  SENSITIVE_PROPERTY: {
    status: 400,
    message:
      'That property is marked sensitive and stored encrypted: analyses can test whether it is set, and match phone, ID card and bank card numbers exactly, but not group, measure or compare by it',
  },
  ANALYSIS_BUSY: {
    status: 503,
    message: 'Too many analyses are running or waiting; try again in a few seconds',
  },
  ANALYSIS_CANCELLED: {
    status: 499,
    message: 'Everyone who asked for this analysis left before it was answered; it was stopped',
  },
  QUERY_TOO_EXPENSIVE: {
    status: 422,
    message: 'The analysis hit its time or memory limit; narrow the date range, org scope or filters',
  },
  DASHBOARD_NOT_FOUND: {
    status: 404,
    message: 'No dashboard with that id is visible to you (or, for changes, owned by your org node)',
  },
  SAVED_ANALYSIS_NOT_FOUND: {
    status: 404,
    message: 'No saved analysis with that id is visible to you (or, for changes, owned by your org node)',
  },
  CUSTOMER_NOT_FOUND: {
    status: 404,
    message: 'No customer with that key in this app within your part of the org tree',
  },
  IDENTITY_TAKEN: { status: 409, message: 'That identity value is already bound to another customer' },
  PROFILE_CSV_INVALID: {
    status: 400,
    message: 'The profile CSV cannot be read: it needs a header line with a customer_id column',
  },
  INTERNAL: { status: 500, message: 'Internal error; it has been logged, try again later' },
  STORAGE_UNAVAILABLE: { status: 503, message: 'A database is temporarily unavailable; try again later' },
} as const satisfies Record<string, ApiErrorSpec>;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** A request-level failure, thrown anywhere under a route and rendered by the error handler. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    detail?: string,
    readonly field?: string,
    /** Extra response headers, e.g. Retry-After for LOGIN_LOCKED. */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(detail ? `${API_ERRORS[code].message}: ${detail}` : API_ERRORS[code].message);
    this.status = API_ERRORS[code].status;
  }
}
