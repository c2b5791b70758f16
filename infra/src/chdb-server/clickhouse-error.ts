// ClickHouse-shaped errors for the chdb server: the body text, numeric code and HTTP status a
// real server would send, so @clickhouse/client raises ClickHouseError with the right `code`.

export class ServerError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
  ) {
    super(message);
  }
}

/** HTTP status a real ClickHouse server uses for an exception code. */
export function statusForCode(code: number): number {
  switch (code) {
    case 60: // UNKNOWN_TABLE
    case 81: // UNKNOWN_DATABASE
      return 404;
    case 62: // SYNTAX_ERROR
    case 36: // BAD_ARGUMENTS
    case 47: // UNKNOWN_IDENTIFIER
    case 115: // UNKNOWN_SETTING
    case 456: // UNKNOWN_QUERY_PARAMETER
    case 457: // BAD_QUERY_PARAMETER
      return 400;
    case 516: // AUTHENTICATION_FAILED
      return 401;
    case 497: // ACCESS_DENIED
      return 403;
    case 202: // TOO_MANY_SIMULTANEOUS_QUERIES
      return 503;
    default:
      return 500;
  }
}

/** Extracts code and text from a chdb error (its message already reads "Code: N. DB::Exception: ..."). */
export function describeEngineError(error: unknown): { code: number; text: string } {
  const e = error as { clickhouseCode?: number; message?: string } | null;
  const message = e?.message ?? String(error);
  const fromMessage = /Code: (\d+)\./.exec(message);
  const code = e?.clickhouseCode ?? (fromMessage ? Number(fromMessage[1]) : 1001);
  const text = message.startsWith('Code:') ? message : `Code: ${code}. DB::Exception: ${message}`;
  return { code, text };
}
