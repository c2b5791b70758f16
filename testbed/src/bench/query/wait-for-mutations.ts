// Waits until the engine has no unfinished mutation on the bench's tables, so no run is timed
// while one rewrites parts: a migration that adds a projection to existing data (0007) starts a
// MATERIALIZE that takes ~30 s on the 10^8 events. Reports its progress; never changes data.
import type { ClickHouseClient } from '@tally/infra/clickhouse';

export async function waitForMutations(
  clickhouse: ClickHouseClient,
  say: (line: string) => void,
): Promise<void> {
  let reported = '';
  for (;;) {
    const result = await clickhouse.query({
      query: `SELECT table, command, parts_to_do FROM system.mutations
              WHERE database = currentDatabase() AND NOT is_done`,
      format: 'JSONEachRow',
    });
    const pending = await result.json<{ table: string; command: string; parts_to_do: string }>();
    if (pending.length === 0) return;
    const line = pending
      .map((m) => `${m.table}: ${m.command.trim()} (${m.parts_to_do} parts to do)`)
      .join('; ');
    if (line !== reported) say(`waiting for ${line}`);
    reported = line;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
