// Reads the records out of one Sensors Analytics request, in every shape the SA SDKs send:
// GET ?data=<base64> (image beacons), POST form bodies data=... or data_list=... (ajax, beacon,
// batch), gzip=1 (gzip then base64, the mobile SDKs), a raw JSON body (server SDKs, curl), and a
// body gzipped as a whole. Returns the raw records, unvalidated. Throws CollectorError only:
// hostile bytes must end as a 4xx, never as a crash or an unbounded allocation.
import { gunzipSync } from 'node:zlib';
import { CollectorError } from '../errors/catalogue.ts';

export interface SaRequestParts {
  readonly query: Readonly<Record<string, unknown>>;
  readonly body: Buffer;
  readonly contentType: string | undefined;
  readonly contentEncoding: string | undefined;
}

export interface SaPayloadLimits {
  readonly maxDecompressedBytes: number;
  readonly maxRecords: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

export function readSaRecords(parts: SaRequestParts, limits: SaPayloadLimits): unknown[] {
  const body = inflateBody(parts.body, parts.contentEncoding, limits.maxDecompressedBytes);
  const bodyText = body.length > 0 ? decodeUtf8(body, 'body') : '';
  const type = (parts.contentType ?? '').toLowerCase();
  let fields: URLSearchParams | null = null;
  if (bodyText.trim() !== '') {
    const first = bodyText.trimStart()[0];
    if (type.includes('json') || first === '{' || first === '[')
      return toRecords(parseJson(bodyText, 'body'), 'body', limits);
    fields = new URLSearchParams(bodyText);
  }
  const field = (name: string): string | undefined => {
    const fromBody = fields?.get(name);
    if (fromBody !== null && fromBody !== undefined) return fromBody;
    const fromQuery = parts.query[name];
    return typeof fromQuery === 'string' ? fromQuery : undefined;
  };
  const gzip = field('gzip') ?? '0';
  if (gzip === '9' || field('ekey') !== undefined) throw new CollectorError('SA_ENCRYPTED_UNSUPPORTED');
  if (gzip !== '0' && gzip !== '1')
    throw new CollectorError('SA_PAYLOAD_INVALID', 'gzip must be 0 or 1', 'gzip');
  const name = field('data_list') !== undefined ? 'data_list' : 'data';
  const payload = field(name);
  if (payload === undefined || payload === '') throw new CollectorError('SA_DATA_MISSING', undefined, 'data');
  return toRecords(decodePayload(payload, gzip === '1', name, limits), name, limits);
}

function inflateBody(body: Buffer, contentEncoding: string | undefined, max: number): Buffer {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  if (encoding && encoding !== 'gzip' && encoding !== 'identity')
    throw new CollectorError('BODY_ENCODING_UNSUPPORTED', encoding.slice(0, 40));
  const gzipped = body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;
  return encoding === 'gzip' || gzipped ? gunzip(body, max, 'body') : body;
}

function decodePayload(payload: string, gzipped: boolean, field: string, limits: SaPayloadLimits): unknown {
  const trimmed = payload.trim();
  // The JS SDK falls back to plain JSON when btoa fails; accept it as such.
  if (trimmed[0] === '{' || trimmed[0] === '[') return parseJson(trimmed, field);
  // A literal '+' that reached us unescaped was turned into a space by form decoding.
  const b64 = trimmed.replace(/ /g, '+').replace(/[\r\n\t]/g, '');
  if (!BASE64.test(b64)) throw new CollectorError('SA_PAYLOAD_INVALID', `${field} is not base64`, field);
  let bytes: Buffer = Buffer.from(b64, 'base64');
  if (gzipped || (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b))
    bytes = gunzip(bytes, limits.maxDecompressedBytes, field);
  if (bytes.length > limits.maxDecompressedBytes) throw new CollectorError('BODY_DECOMPRESSED_TOO_LARGE');
  return parseJson(decodeUtf8(bytes, field), field);
}

function gunzip(bytes: Buffer, max: number, field: string): Buffer {
  try {
    return gunzipSync(bytes, { maxOutputLength: max });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new CollectorError('BODY_DECOMPRESSED_TOO_LARGE');
    throw new CollectorError('SA_PAYLOAD_INVALID', `${field} is not valid gzip`, field);
  }
}

function decodeUtf8(bytes: Buffer, field: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new CollectorError('SA_PAYLOAD_INVALID', `${field} is not UTF-8 text`, field);
  }
}

function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CollectorError(
      'SA_PAYLOAD_INVALID',
      `${field}: ${(error as Error).message.slice(0, 120)}`,
      field,
    );
  }
}

function toRecords(value: unknown, field: string, limits: SaPayloadLimits): unknown[] {
  const records = Array.isArray(value) ? value : [value];
  if (typeof value !== 'object' || value === null)
    throw new CollectorError('SA_PAYLOAD_INVALID', `${field} must hold a JSON object or array`, field);
  if (records.length > limits.maxRecords)
    throw new CollectorError('BATCH_TOO_MANY_EVENTS', `at most ${limits.maxRecords}`, field);
  return records;
}
