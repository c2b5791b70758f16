// Asks an analysis over a real connection, as a browser does, so that hanging up closes the socket
// the API watches (an injected request has no socket to close).
import { request } from 'node:http';

export interface SocketQuestion {
  /** Closes the connection before the answer, as a closed page does. */
  hangUp(): void;
  /** The HTTP status, or the connection error's message. */
  readonly status: Promise<number | string>;
}

export function askOverSocket(
  baseUrl: string,
  caller: { readonly cookie: string; readonly csrf: string },
  model: string,
  question: object,
): SocketQuestion {
  const req = request(`${baseUrl}/v1/analysis/${model}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      cookie: `tally_session=${caller.cookie}`,
      'x-csrf-token': caller.csrf,
      'cache-control': 'no-cache',
    },
  });
  const status = new Promise<number | string>((resolve) => {
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (error) => resolve(error.message));
  });
  req.end(JSON.stringify(question));
  return { hangUp: () => req.destroy(), status };
}
