// A tiny HTTP collector for core tests (the protocol boundary): records every batch and answers
// with whatever status the test queues. The browser tests use the real collector instead.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WireEvent } from '../src/core/types.ts';

export interface Recorded {
  sent_at: number;
  events: WireEvent[];
  key: string | undefined;
}

export interface RecordingServer {
  url: string;
  batches: Recorded[];
  /** Next responses (status, body); when empty the server answers 200 with no rejections. */
  replies: Array<{ status: number; body?: unknown }>;
  close(): Promise<void>;
}

export async function startRecordingServer(): Promise<RecordingServer> {
  const state = { batches: [] as Recorded[], replies: [] as Array<{ status: number; body?: unknown }> };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<Recorded, 'key'>;
      state.batches.push({ ...body, key: req.headers['x-tally-key'] as string | undefined });
      const reply = state.replies.shift() ?? { status: 200 };
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body ?? { accepted: body.events.length, rejected: [] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    ...state,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
