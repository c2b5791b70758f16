// Sorts ingestion failures into "try again later" (storage down, timeouts) and "this data can
// never be inserted" (the engine rejected its content). Only the second kind may go to the
// dead-letter topic; sending an outage there would turn a pause into silent loss.
import { ClickHouseError } from '@clickhouse/client';
import { UndecodableMessageError } from './kafka-messages.ts';

/** ClickHouse error codes that mean "the rows themselves are bad", not "the server is unwell". */
const DATA_ERROR_CODES = new Set([
  '6', // CANNOT_PARSE_TEXT
  '26', // CANNOT_PARSE_QUOTED_STRING
  '27', // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  '38', // CANNOT_PARSE_DATE
  '41', // CANNOT_PARSE_DATETIME
  '53', // TYPE_MISMATCH
  '69', // ARGUMENT_OUT_OF_BOUND
  '70', // CANNOT_CONVERT_TYPE
  '72', // CANNOT_PARSE_NUMBER
  '117', // INCORRECT_DATA
  '131', // TOO_LARGE_STRING_SIZE
  '321', // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  '376', // CANNOT_PARSE_UUID
  '457', // BAD_QUERY_PARAMETER (a value that does not fit its declared type)
]);

export function isPermanentDataError(error: unknown): boolean {
  if (error instanceof UndecodableMessageError) return true;
  if (error instanceof ClickHouseError) return DATA_ERROR_CODES.has(String(error.code));
  // Wrapped by the group commit: judge the original failure.
  if (error instanceof Error && error.cause !== undefined) return isPermanentDataError(error.cause);
  return false;
}
