// Attribution's "key event" and linking property as controls: a touchpoint counts only if the key
// event follows it before the conversion, and the linking property (e.g. product_id) must be equal
// on the conversion and the key event (or the touchpoint when there is no key event).
import { EventPicker, PropertyPicker } from '../../../components/pickers.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import type { Query } from '../model-view.ts';

export function AttributionLink({ query, setQuery }: { query: Query; setQuery: (q: Query) => void }) {
  const { lang } = useI18n();
  const en = lang === 'en';
  const keyEvent = query.keyEvent as { event: string } | undefined;
  const { keyEvent: _k, ...withoutKey } = query;
  return (
    <div className="row">
      <span className="field">
        <label>
          <input
            type="checkbox"
            checked={keyEvent !== undefined}
            onChange={(e) =>
              setQuery(e.target.checked ? { ...query, keyEvent: { event: 'loan_view' } } : withoutKey)
            }
          />{' '}
          {en ? 'Require a key event after the touchpoint' : '要求触点后发生关键事件'}
        </label>
      </span>
      {keyEvent && (
        <EventPicker
          label={en ? 'Key event' : '关键事件'}
          value={keyEvent.event}
          onChange={(event) => setQuery({ ...query, keyEvent: { event } })}
        />
      )}
      <PropertyPicker
        label={en ? 'Linking property (e.g. product id)' : '关联属性（如产品 ID）'}
        source="event"
        value={String(query.linkProperty ?? '')}
        allowNone={en ? 'None' : '不关联'}
        onChange={(linkProperty) => {
          const { linkProperty: _l, ...rest } = query;
          setQuery(linkProperty ? { ...rest, linkProperty } : rest);
        }}
      />
    </div>
  );
}
