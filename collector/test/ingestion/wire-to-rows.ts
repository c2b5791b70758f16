// Builds ClickHouse rows straight from demo wire events, for tests that play "another producer"
// on the Kafka topic. Deliberately minimal: only what the events table requires.
import type { EventRow, IngestBatch } from '@tally/infra/clickhouse';
import type { WireEvent } from '@tally/testbed/demo-data';

export function toIngestBatch(appId: string, events: readonly WireEvent[]): IngestBatch {
  const rows: EventRow[] = events.map((e) => {
    const props: Record<string, string> = {};
    const numProps: Record<string, number> = {};
    for (const [k, v] of Object.entries(e.properties)) {
      if (typeof v === 'number') numProps[k] = v;
      else props[k] = String(v);
    }
    return {
      app_id: appId,
      event: e.event ?? '',
      time: e.time,
      receive_time: Date.now(),
      uuid: e.uuid,
      distinct_id: e.distinct_id,
      login_id: e.login_id ?? '',
      person_id: 0,
      session_id: e.session_id ?? '',
      bank_code: String(e.properties.$bank_code ?? ''),
      branch_code: '',
      channel: '',
      lib: '',
      lib_version: '',
      app_version: '',
      os: '',
      os_version: '',
      browser: '',
      browser_version: '',
      device_model: '',
      device_type: '',
      ip: '',
      props,
      num_props: numProps,
    };
  });
  return { events: rows, profileOps: [], identityOps: [] };
}
