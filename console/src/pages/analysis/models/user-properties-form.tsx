// The user property analysis builder: which customers (did / did not do an event at least N times
// in the range), split by one property (a distribution) or two (a cross table), numeric ones cut
// into buckets, and an optional numeric property measured per cell.
import type { Behaviour } from '../../../../../analytics-api/src/models/user-properties/schema.ts';
import type { GroupBy } from '../../../api/types.ts';
import { GroupByEditor } from '../../../components/GroupByEditor.tsx';
import { Choice, EventPicker, NumberField, PropertyPicker } from '../../../components/pickers.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import type { Query } from '../model-view.ts';

export function UserPropertiesForm({ query, setQuery }: { query: Query; setQuery: (q: Query) => void }) {
  const { t, lang } = useI18n();
  const en = lang === 'en';
  const behaviours = (query.behaviours as Behaviour[] | undefined) ?? [];
  const put = (key: string, value: unknown) => {
    const { [key]: _old, ...rest } = query;
    setQuery(value === undefined ? rest : { ...rest, [key]: value });
  };
  const setBehaviours = (next: Behaviour[]) => put('behaviours', next.length ? next : undefined);
  const edit = (i: number, change: Partial<Behaviour>) =>
    setBehaviours(behaviours.map((b, j) => (j === i ? { ...b, ...change } : b)));
  return (
    <>
      <GroupByEditor
        value={query.groupBy as GroupBy[] | undefined}
        sources={['user']}
        max={2}
        onChange={(g) => put('groupBy', g)}
      />
      <fieldset data-testid="behaviours">
        <legend>{en ? 'Customers who, in the date range ...' : '在时间范围内的行为条件'}</legend>
        {behaviours.map((b, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: conditions are edited by position.
          <div className="row" key={i}>
            <Choice
              label={`${en ? 'Did / did not' : '做过 / 未做过'} ${i + 1}`}
              value={b.did === false ? 'not' : 'did'}
              options={[
                ['did', en ? 'did' : '做过'],
                ['not', en ? 'did not do' : '未做过'],
              ]}
              onChange={(v) => edit(i, { did: v === 'did' })}
            />
            <EventPicker
              label={`${t('q.event')} ${i + 1}`}
              value={b.event.event}
              allowAny
              onChange={(event) => edit(i, { event: { event } })}
            />
            <NumberField
              label={`${en ? 'At least (times)' : '至少次数'} ${i + 1}`}
              value={b.minTimes ?? 1}
              min={1}
              onChange={(minTimes) => edit(i, { minTimes: Math.max(1, minTimes) })}
            />
            <button type="button" onClick={() => setBehaviours(behaviours.filter((_, j) => j !== i))}>
              {t('q.remove')} {en ? 'condition' : '条件'} {i + 1}
            </button>
          </div>
        ))}
        {behaviours.length < 5 && (
          <button
            type="button"
            onClick={() => setBehaviours([...behaviours, { event: { event: 'transfer' }, did: true }])}
          >
            {en ? 'Add behaviour condition' : '添加行为条件'}
          </button>
        )}
      </fieldset>
      <div className="row">
        <PropertyPicker
          label={en ? 'Measure (numeric user property)' : '度量（数值型用户属性）'}
          source="user"
          numericOnly
          value={String(query.measure ?? '')}
          allowNone={en ? 'None' : '无'}
          onChange={(measure) => put('measure', measure || undefined)}
        />
      </div>
    </>
  );
}
