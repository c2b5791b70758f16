// The path model's event filters and shaping options as controls: which events make up paths
// (only these / all but these), events split into one node per property value (screen name),
// collapsing consecutive repeats, and the session timeout.
import type { PathQuery } from '../../../../../analytics-api/src/models/path/schema.ts';
import { EventMultiPicker } from '../../../components/EventMultiPicker.tsx';
import { Choice, EventPicker, NumberField, PropertyPicker } from '../../../components/pickers.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import type { Query } from '../model-view.ts';

type Split = NonNullable<PathQuery['splitBy']>[number];

/** Sets `key` to `value`, or removes it when the value is empty (the API's default applies). */
const put = (query: Query, key: string, value: unknown): Query => {
  const { [key]: _old, ...rest } = query;
  const empty = value === undefined || value === false || (Array.isArray(value) && value.length === 0);
  return empty ? rest : { ...rest, [key]: value };
};

export function PathOptions({ query, setQuery }: { query: Query; setQuery: (q: Query) => void }) {
  const { t, lang } = useI18n();
  const en = lang === 'en';
  const splits = (query.splitBy as Split[] | undefined) ?? [];
  const setSplits = (next: Split[]) => setQuery(put(query, 'splitBy', next));
  return (
    <>
      <div className="row">
        <EventMultiPicker
          label={en ? 'Only these events (none = all)' : '仅包含这些事件（不选 = 全部）'}
          value={(query.includeEvents as string[] | undefined) ?? []}
          testId="path-include"
          onChange={(events) => setQuery(put(query, 'includeEvents', events))}
        />
        <EventMultiPicker
          label={en ? 'Leave out these events' : '排除这些事件'}
          value={(query.excludeEvents as string[] | undefined) ?? []}
          testId="path-exclude"
          onChange={(events) => setQuery(put(query, 'excludeEvents', events))}
        />
        <span className="field">
          <label>
            <input
              type="checkbox"
              checked={query.collapseRepeats === true}
              onChange={(e) => setQuery(put(query, 'collapseRepeats', e.target.checked))}
            />{' '}
            {en ? 'Collapse consecutive repeats' : '合并连续重复的节点'}
          </label>
        </span>
        <Choice
          label={en ? 'Sessions by' : '会话划分方式'}
          value={String(query.sessionMode ?? 'inactivity') as 'inactivity' | 'session_id'}
          options={[
            ['inactivity', en ? 'Inactivity timeout' : '按超时切分'],
            ['session_id', en ? "The SDK's session id" : '按 SDK 会话 ID'],
          ]}
          onChange={(m) => setQuery(put(query, 'sessionMode', m === 'inactivity' ? undefined : m))}
        />
        <NumberField
          label={en ? 'Session timeout (minutes)' : '会话超时（分钟）'}
          value={Number(query.sessionTimeoutMinutes ?? 30)}
          min={1}
          max={1440}
          onChange={(m) => setQuery(put(query, 'sessionTimeoutMinutes', m === 30 ? undefined : m))}
        />
      </div>
      <fieldset data-testid="path-splits">
        <legend>
          {en ? 'Split an event by a property (one node per value)' : '按属性拆分事件（每个取值一个节点）'}
        </legend>
        {splits.map((s, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: splits are edited by position.
          <div className="row" key={i}>
            <EventPicker
              label={`${en ? 'Split event' : '拆分事件'} ${i + 1}`}
              value={s.event}
              onChange={(event) => setSplits(splits.map((x, j) => (j === i ? { ...x, event } : x)))}
            />
            <PropertyPicker
              label={`${en ? 'By property' : '拆分属性'} ${i + 1}`}
              source="event"
              value={s.property}
              onChange={(property) => setSplits(splits.map((x, j) => (j === i ? { ...x, property } : x)))}
            />
            <button type="button" onClick={() => setSplits(splits.filter((_, j) => j !== i))}>
              {t('q.remove')} {en ? 'split' : '拆分'} {i + 1}
            </button>
          </div>
        ))}
        {splits.length < 10 && (
          <button
            type="button"
            onClick={() => setSplits([...splits, { event: '$AppViewScreen', property: '$screen_name' }])}
          >
            {en ? 'Add split' : '添加拆分'}
          </button>
        )}
      </fieldset>
    </>
  );
}
