// Turns a raw batch body into a JSON value: gzip (declared by Content-Encoding or recognised by
// its magic bytes, for clients that cannot set headers) is inflated with a hard output cap so a
// zip bomb stops at the limit; the text must be valid UTF-8 JSON. Throws CollectorError only.
import { gunzipSync } from 'node:zlib';
import { CollectorError } from '../errors/catalogue.ts';

const decoder = new TextDecoder('utf-8', { fatal: true });

export function decodeBody(
  body: Buffer,
  contentEncoding: string | undefined,
  maxDecompressedBytes: number,
): unknown {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  if (encoding && encoding !== 'gzip' && encoding !== 'identity')
    throw new CollectorError('BODY_ENCODING_UNSUPPORTED', encoding.slice(0, 40));
  const looksGzipped = body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;
  let raw = body;
  if (encoding === 'gzip' || looksGzipped) {
    try {
      raw = gunzipSync(body, { maxOutputLength: maxDecompressedBytes });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
        throw new CollectorError('BODY_DECOMPRESSED_TOO_LARGE');
      throw new CollectorError('BODY_NOT_GZIP');
    }
  }
  if (raw.length > maxDecompressedBytes) throw new CollectorError('BODY_DECOMPRESSED_TOO_LARGE');
  let text: string;
  try {
    text = decoder.decode(raw);
  } catch {
    throw new CollectorError('BODY_NOT_JSON', 'the body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CollectorError('BODY_NOT_JSON', (error as Error).message.slice(0, 120));
  }
}
