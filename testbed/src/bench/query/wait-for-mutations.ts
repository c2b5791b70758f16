// Waits until the engine has no unfinished mutation on the bench's tables, so no run is timed
// while one rewrites parts: a migration that adds a projection to existing data (0007) starts a
// MATERIALIZE that rewrites every part. Reports its progress; never changes data. A mutation
// that has failed is an error naming it and its reason: the engine retries it forever, so
// waiting would hang the bench (a failure that a retry would cure is reported too: run again).
import type { ClickHouseClient } from '@tally/infra/clickhouse';

interface PendingMutation {
  table: string;
  command: string;
  parts_to_do: string;
  latest_fail_reason: string;
}

// system.mutations shows a command in parentheses: `(UPDATE x = 1 WHERE 1)`.
const shown = (m: PendingMutation) => m.command.trim().replace(/^\((.*)\)$/s, '$1');

export async function waitForMutations(
  clickhouse: ClickHouseClient,
  say: (line: string) => void,
  pollMs = 1_000,
): Promise<void> {
  let reported = '';
  for (;;) {
    const result = await clickhouse.query({
      query: `SELECT table, command, parts_to_do, latest_fail_reason FROM system.mutations
              WHERE database = currentDatabase() AND NOT is_done`,
      format: 'JSONEachRow',
    });
    const pending = await result.json<PendingMutation>();
    if (pending.length === 0) return;
    const failed = pending.find((m) => m.latest_fail_reason !== '');
    if (failed) {
      throw new Error(
        `mutation on ${failed.table} failed: ${shown(failed)}: ${failed.latest_fail_reason.split('\n')[0]} ` +
          '(fix its cause or drop it with KILL MUTATION, then run the bench again)',
      );
    }
    const line = pending.map((m) => `${m.table}: ${shown(m)} (${m.parts_to_do} parts to do)`).join('; ');
    if (line !== reported) say(`waiting for ${line}`);
    reported = line;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
