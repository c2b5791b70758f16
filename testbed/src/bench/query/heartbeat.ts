// Progress for one long engine statement (a bulk insert, a backfill, a merge): says the step's
// label every `everyMs` with the elapsed time, so a 10^8 run never sits silent for minutes.
// Only reports; never changes or cancels the statement it watches.
export async function withHeartbeat<T>(
  label: string,
  work: Promise<T>,
  say: (line: string) => void,
  everyMs = 30_000,
): Promise<T> {
  const started = Date.now();
  const timer = setInterval(
    () => say(`${label}: still running, ${Math.round((Date.now() - started) / 1000)} s`),
    everyMs,
  );
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}
