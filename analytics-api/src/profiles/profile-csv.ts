// Parses and validates a profile CSV as exported by a bank's core system: a header line with a
// `customer_id` column, optional `bank_code` / `branch_code` columns (the customer's org codes),
// and one column per user property. A column is text unless its header ends in `:number`
// (`age:number`), so account numbers with leading zeros stay text. Empty cells set nothing.
// Line-level problems reject only that line, named by line, field and rule; a header problem
// rejects the file. Never touches storage.
import { parse } from 'csv-parse/sync';
import { ApiError } from '../errors/catalogue.ts';

export interface ProfileLine {
  readonly line: number;
  readonly customerId: string;
  readonly bankCode: string;
  readonly branchCode: string;
  readonly properties: Record<string, string | number>;
}

export interface Rejection {
  readonly line: number;
  readonly field: string;
  readonly rule: string;
}

export const MAX_IMPORT_LINES = 200_000;
const PROPERTY = /^[A-Za-z_][A-Za-z0-9_$.]{0,99}$/;
const ORG_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const MAX_VALUE_CHARS = 8192;

interface Column {
  readonly index: number;
  readonly header: string;
  readonly name: string;
  readonly numeric: boolean;
}

export function parseProfileCsv(text: string): { lines: ProfileLine[]; rejected: Rejection[] } {
  let records: string[][];
  try {
    records = parse(text, { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true });
  } catch (error) {
    throw new ApiError('PROFILE_CSV_INVALID', (error as Error).message.slice(0, 200), 'csv');
  }
  const [header, ...body] = records;
  if (!header) throw new ApiError('PROFILE_CSV_INVALID', 'the file is empty', 'csv');
  if (body.length > MAX_IMPORT_LINES)
    throw new ApiError('PROFILE_CSV_INVALID', `more than ${MAX_IMPORT_LINES} lines; split the file`, 'csv');
  const idIndex = header.indexOf('customer_id');
  if (idIndex < 0) throw new ApiError('PROFILE_CSV_INVALID', 'no customer_id column', 'csv');
  const bankIndex = header.indexOf('bank_code');
  const branchIndex = header.indexOf('branch_code');
  const columns: Column[] = [];
  header.forEach((h, index) => {
    if (index === idIndex || index === bankIndex || index === branchIndex) return;
    const numeric = h.endsWith(':number');
    const name = numeric ? h.slice(0, -':number'.length) : h;
    if (!PROPERTY.test(name))
      throw new ApiError(
        'PROFILE_CSV_INVALID',
        `column ${index + 1} "${h.slice(0, 60)}": property names match ${PROPERTY.source}`,
        'csv',
      );
    columns.push({ index, header: h, name, numeric });
  });

  const lines: ProfileLine[] = [];
  const rejected: Rejection[] = [];
  for (const [i, cells] of body.entries()) {
    const outcome = checkLine(cells, i + 2, header.length, idIndex, bankIndex, branchIndex, columns);
    if ('rule' in outcome) rejected.push(outcome);
    else lines.push(outcome);
  }
  return { lines, rejected };
}

/** One data line (1-based `line`, counting the header) as a ProfileLine or its first problem. */
function checkLine(
  cells: readonly string[],
  line: number,
  width: number,
  idIndex: number,
  bankIndex: number,
  branchIndex: number,
  columns: readonly Column[],
): ProfileLine | Rejection {
  const reject = (field: string, rule: string): Rejection => ({ line, field, rule });
  if (cells.length !== width) return reject('*', `has ${cells.length} fields, the header has ${width}`);
  const customerId = cells[idIndex] ?? '';
  if (customerId.length < 1 || customerId.length > 200)
    return reject('customer_id', 'required, 1-200 characters');
  const bankCode = bankIndex >= 0 ? (cells[bankIndex] ?? '') : '';
  const branchCode = branchIndex >= 0 ? (cells[branchIndex] ?? '') : '';
  if (bankCode && !ORG_CODE.test(bankCode)) return reject('bank_code', `must match ${ORG_CODE.source}`);
  if (branchCode && !ORG_CODE.test(branchCode)) return reject('branch_code', `must match ${ORG_CODE.source}`);
  if (branchCode && !bankCode) return reject('bank_code', 'required when branch_code is given');
  const properties: Record<string, string | number> = Object.create(null);
  for (const c of columns) {
    const cell = cells[c.index] ?? '';
    if (cell === '') continue;
    if (cell.length > MAX_VALUE_CHARS) return reject(c.header, `at most ${MAX_VALUE_CHARS} characters`);
    if (c.numeric) {
      const value = Number(cell);
      if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(cell) || !Number.isFinite(value))
        return reject(c.header, 'must be a number');
      properties[c.name] = value;
    } else properties[c.name] = cell;
  }
  return { line, customerId, bankCode, branchCode, properties };
}
