// What the spec modules share with the suite file that owns the stack: the running stack, a
// logged-in page per staff login, and every request body the browser sent to the API (checked
// against /openapi.json by the contract spec).
import type { Page } from 'playwright-core';
import type { ConsoleStack } from './console-stack.ts';

export interface SentBody {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

export interface SuiteContext {
  readonly cs: ConsoleStack;
  as(user: string): Promise<Page>;
  readonly sent: SentBody[];
}

/** Records the browser's JSON bodies to /v1/* (the contract spec validates them). */
export function recordBodies(page: Page, sent: SentBody[]): void {
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (!url.pathname.startsWith('/v1/') || request.method() === 'GET') return;
    let body: unknown = null;
    try {
      body = request.postDataJSON();
    } catch {
      return;
    }
    if (body !== null) sent.push({ method: request.method(), path: url.pathname, body });
  });
}
