// Turns an uploaded file (a byte stream) into numbered rows: NDJSON lines parsed as JSON, or CSV
// records (header row = column names) as string maps. Memory stays bounded whatever the input:
// a line longer than MAX_LINE_BYTES is reported, not buffered; a broken CSV record is reported
// with its line number and parsing goes on. Never throws for bad content, only for a failing stream.
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';

export const MAX_LINE_BYTES = 1024 * 1024;

export type SourceRow =
  | { readonly line: number; readonly value: unknown }
  | { readonly line: number; readonly problem: { code: string; message: string } };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function* ndjsonRows(input: Readable): AsyncGenerator<SourceRow> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  let line = 0;
  const finish = (bytes: Buffer): SourceRow | null => {
    line++;
    if (tooLong)
      return {
        line,
        problem: { code: 'LINE_TOO_LONG', message: `lines are at most ${MAX_LINE_BYTES} bytes` },
      };
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      return { line, problem: { code: 'LINE_NOT_UTF8', message: 'the line is not valid UTF-8' } };
    }
    if (text.trim() === '') return null;
    try {
      return { line, value: JSON.parse(text) };
    } catch (error) {
      return { line, problem: { code: 'LINE_NOT_JSON', message: (error as Error).message.slice(0, 160) } };
    }
  };
  for await (const chunk of input) {
    let buf = chunk as Buffer;
    let nl = buf.indexOf(0x0a);
    while (nl !== -1) {
      const row = finish(Buffer.concat([...parts, buf.subarray(0, nl)]));
      parts = [];
      size = 0;
      tooLong = false;
      if (row) yield row;
      buf = buf.subarray(nl + 1);
      nl = buf.indexOf(0x0a);
    }
    if (!tooLong) {
      size += buf.length;
      if (size > MAX_LINE_BYTES) {
        tooLong = true;
        parts = [];
      } else parts.push(buf);
    }
  }
  if (size > 0 || tooLong) {
    const row = finish(Buffer.concat(parts));
    if (row) yield row;
  }
}

export async function* csvRows(input: Readable): AsyncGenerator<SourceRow> {
  const skipped: SourceRow[] = [];
  const parser = input.pipe(
    parse({
      columns: (header: string[]) => header.map((h) => h.trim()),
      bom: true,
      skip_empty_lines: true,
      trim: true,
      max_record_size: MAX_LINE_BYTES,
      info: true,
      skip_records_with_error: true,
      on_skip: (error) => {
        const at = (error as { lines?: number } | undefined)?.lines ?? 0;
        skipped.push({
          line: at,
          problem: {
            code: 'CSV_RECORD_INVALID',
            message: (error?.message ?? 'unreadable record').slice(0, 160),
          },
        });
      },
    }),
  );
  for await (const item of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>) {
    while (skipped.length > 0) yield skipped.shift()!;
    yield { line: item.info.lines, value: item.record };
  }
  while (skipped.length > 0) yield skipped.shift()!;
}
