// Session analysis options beyond the timeout, as controls: only some events make up sessions, an
// event counted per session (transfers per session), and how many entry / exit screens to list.
// Screen events stay at the API's default (the SDKs' screen views); the JSON box can change them.
import { EventMultiPicker } from '../../../components/EventMultiPicker.tsx';
import { EventPicker, NumberField } from '../../../components/pickers.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import type { Query } from '../model-view.ts';

/** Sets or (when empty / the default) removes one option. */
const put = (query: Query, key: string, value: unknown): Query => {
  const { [key]: _old, ...rest } = query;
  const empty = value === undefined || (Array.isArray(value) && value.length === 0);
  return empty ? rest : { ...rest, [key]: value };
};

export function SessionOptions({ query, setQuery }: { query: Query; setQuery: (q: Query) => void }) {
  const { lang } = useI18n();
  const en = lang === 'en';
  const countEvent = query.countEvent as { event: string } | undefined;
  return (
    <div className="row">
      <EventMultiPicker
        label={en ? 'Only these events make up sessions (none = all)' : '仅用这些事件构成会话（不选 = 全部）'}
        value={(query.includeEvents as string[] | undefined) ?? []}
        onChange={(events) => setQuery(put(query, 'includeEvents', events))}
      />
      <span className="field">
        <label>
          <input
            type="checkbox"
            checked={countEvent !== undefined}
            onChange={(e) =>
              setQuery(put(query, 'countEvent', e.target.checked ? { event: 'transfer' } : undefined))
            }
          />{' '}
          {en ? 'Count an event per session' : '统计每会话的事件次数'}
        </label>
      </span>
      {countEvent && (
        <EventPicker
          label={en ? 'Event counted per session' : '每会话统计的事件'}
          value={countEvent.event}
          onChange={(event) => setQuery({ ...query, countEvent: { event } })}
        />
      )}
      <NumberField
        label={en ? 'Entry / exit screens listed' : '入口/退出页面显示数'}
        value={Number(query.screenLimit ?? 10)}
        min={1}
        max={100}
        onChange={(n) => setQuery(put(query, 'screenLimit', n === 10 ? undefined : n))}
      />
    </div>
  );
}
