// Reads one ClickHouse HTTP request into an engine request. Parameter values stay in the escaped
// text form the client sent (`\'`, `\\`, `\n`): the engine reads them back with the same rules as
// a real server's `param_*`, so they are neither unescaped here nor escaped again.
// SQL from the `query` URL parameter
// and/or the body (for an INSERT the URL holds the statement and the body the rows), parameters
// from `param_*` in the URL or in a multipart/form-data body (@clickhouse/client moves large
// parameters there), settings from the remaining URL parameters. Never executes anything.
import type { IncomingMessage } from 'node:http';
import { createGunzip, createInflate } from 'node:zlib';
import { ServerError } from './clickhouse-error.ts';
import type { EngineRequest } from './engine-lanes.ts';

/** URL parameters that belong to the HTTP protocol, not to the engine's settings. */
const PROTOCOL_PARAMS = new Set([
  'query',
  'database',
  'default_format',
  'query_id',
  'user',
  'password',
  'session_id',
  'session_timeout',
  'session_check',
  'compress',
  'decompress',
  'buffer_size',
  'wait_end_of_query',
  'http_wait_end_of_query',
  'enable_http_compression',
  'send_progress_in_http_headers',
  'http_headers_progress_interval_ms',
  'cancel_http_readonly_queries_on_client_close',
  'http_response_buffer_size',
  'role',
  'quota_key',
  'client_protocol_version',
  'add_http_cors_header',
  'http_zlib_compression_level',
  'http_native_compression_disable_checksumming_on_decompress',
  'http_write_exception_in_output_format',
]);

export interface ParsedRequest extends EngineRequest {
  readonly queryId: string;
  /**
   * Stop the statement if the client hangs up before the answer: as on a ClickHouse server, when
   * `cancel_http_readonly_queries_on_client_close=1` and the statement runs read-only (`readonly`
   * above 0, which a GET request gets by default), so no write is ever left half done.
   */
  readonly cancelOnClose: boolean;
}

export async function parseClickHouseRequest(
  req: IncomingMessage,
  url: URL,
  defaultDatabase: string,
  maxBodyBytes: number,
): Promise<ParsedRequest> {
  const body = await readBody(req, maxBodyBytes);
  const params = new Map<string, string>();
  const settings = new Map<string, string>();
  for (const [name, value] of url.searchParams) {
    if (name.startsWith('param_')) params.set(name.slice(6), value);
    else if (!PROTOCOL_PARAMS.has(name)) settings.set(name, value);
  }
  let bodySql = body.toString('utf8');
  const contentType = req.headers['content-type'] ?? '';
  if (contentType.startsWith('multipart/form-data')) {
    const parts = parseMultipart(body, contentType);
    bodySql = parts.get('query') ?? '';
    for (const [name, value] of parts) if (name.startsWith('param_')) params.set(name.slice(6), value);
  }
  // As ClickHouse does: anything but a POST runs read-only unless the request says otherwise.
  if (req.method !== 'POST' && !settings.has('readonly')) settings.set('readonly', '2');
  const urlSql = url.searchParams.get('query') ?? '';
  const sql = urlSql && bodySql ? `${urlSql}\n${bodySql}` : urlSql || bodySql;
  if (!sql.trim()) throw new ServerError(62, 'SYNTAX_ERROR', 'Empty query');
  return {
    sql,
    database: url.searchParams.get('database') ?? defaultDatabase,
    format: url.searchParams.get('default_format') ?? 'TabSeparated',
    settings,
    params,
    isInsert: /^\s*INSERT\b/i.test(urlSql || bodySql),
    queryId: url.searchParams.get('query_id') ?? crypto.randomUUID(),
    cancelOnClose:
      url.searchParams.get('cancel_http_readonly_queries_on_client_close') === '1' &&
      Number(settings.get('readonly') ?? 0) > 0,
  };
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? '').toLowerCase();
  const source =
    encoding === 'gzip' ? req.pipe(createGunzip()) : encoding === 'deflate' ? req.pipe(createInflate()) : req;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes)
        throw new ServerError(1001, 'STD_EXCEPTION', `Request body exceeds ${maxBytes} bytes`);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ServerError) throw error;
    throw new ServerError(354, 'CANNOT_DECOMPRESS', `Cannot read request body: ${(error as Error).message}`);
  }
  return Buffer.concat(chunks);
}

function parseMultipart(body: Buffer, contentType: string): Map<string, string> {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  if (!boundary) throw new ServerError(36, 'BAD_ARGUMENTS', 'multipart body without boundary');
  const parts = new Map<string, string>();
  for (const section of body.toString('utf8').split(`--${boundary}`)) {
    const headerEnd = section.indexOf('\r\n\r\n');
    if (headerEnd < 0) continue;
    const name = /name="([^"]+)"/.exec(section.slice(0, headerEnd))?.[1];
    if (!name) continue;
    parts.set(name, section.slice(headerEnd + 4).replace(/\r\n$/, ''));
  }
  return parts;
}
