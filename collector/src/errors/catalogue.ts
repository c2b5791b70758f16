// Every error the collector can answer with, in one place: a stable code clients and operators
// can search for, the HTTP status, and a message that says what to do. Per-event rejections use
// the same shape inside a 200 response.

export interface CollectorErrorSpec {
  readonly status: number;
  readonly message: string;
}

export const COLLECTOR_ERRORS = {
  WRITE_KEY_MISSING: {
    status: 401,
    message: 'Send the app write key in the X-Tally-Key header, ?key= or the write_key field',
  },
  WRITE_KEY_INVALID: {
    status: 401,
    message: 'The write key is unknown or revoked; copy it again from the app settings',
  },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is too large; send smaller batches' },
  BODY_DECOMPRESSED_TOO_LARGE: {
    status: 413,
    message: 'The decompressed body is too large; send smaller batches',
  },
  BODY_NOT_GZIP: { status: 400, message: 'Content-Encoding says gzip but the body is not valid gzip' },
  BODY_ENCODING_UNSUPPORTED: { status: 415, message: 'Only gzip (or no) Content-Encoding is supported' },
  BODY_NOT_JSON: { status: 400, message: 'The body is not valid JSON (UTF-8)' },
  BATCH_NOT_OBJECT: { status: 400, message: 'The body must be a JSON object with an "events" array' },
  BATCH_EVENTS_MISSING: { status: 400, message: 'The body must have an "events" array' },
  BATCH_TOO_MANY_EVENTS: { status: 413, message: 'Too many events in one batch; split it' },
  BATCH_SENT_AT_INVALID: {
    status: 400,
    message: '"sent_at" must be milliseconds since the epoch (a number)',
  },
  SA_PROJECT_MISMATCH: {
    status: 401,
    message:
      'The ?project= of the Sensors Analytics server_url must be the id of the app the token belongs to',
  },
  SA_DATA_MISSING: {
    status: 400,
    message: 'A Sensors Analytics request carries data= or data_list= (query or form body), or a JSON body',
  },
  SA_PAYLOAD_INVALID: {
    status: 400,
    message: 'The Sensors Analytics payload cannot be decoded (base64, then gzip when gzip=1, then JSON)',
  },
  SA_ENCRYPTED_UNSUPPORTED: {
    status: 400,
    message: 'Encrypted Sensors Analytics payloads (gzip=9, ekey) are not supported; turn encryption off',
  },
  SA_NO_RECORD_ACCEPTED: {
    status: 400,
    message: 'No record of this Sensors Analytics request could be accepted; see "rejected"',
  },
  IMPORT_FORMAT_INVALID: {
    status: 400,
    message: 'format must be ndjson or csv (or send Content-Type application/x-ndjson or text/csv)',
  },
  IMPORT_OPTION_INVALID: { status: 400, message: 'An import option is invalid' },
  STORAGE_UNAVAILABLE: {
    status: 503,
    message: 'Event storage is temporarily unavailable; retry the same batch later',
  },
  NOT_FOUND: { status: 404, message: 'No such endpoint' },
  INTERNAL: { status: 500, message: 'Internal error; the batch was not accepted, retry later' },
} as const satisfies Record<string, CollectorErrorSpec>;

export type CollectorErrorCode = keyof typeof COLLECTOR_ERRORS;

/** A request-level failure, thrown inside handlers and rendered by the error handler. */
export class CollectorError extends Error {
  readonly status: number;
  constructor(
    readonly code: CollectorErrorCode,
    detail?: string,
    readonly field?: string,
  ) {
    super(detail ? `${COLLECTOR_ERRORS[code].message}: ${detail}` : COLLECTOR_ERRORS[code].message);
    this.status = COLLECTOR_ERRORS[code].status;
  }
}
