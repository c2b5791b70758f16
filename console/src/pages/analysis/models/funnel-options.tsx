// The funnel's less common options as controls (they used to need the advanced JSON box): strict
// order, a linking property that must be equal on every step, and exclusions ("the customer did X
// between step a and step b", which removes that attempt).
import type { FunnelQuery } from '../../../api/types.ts';
import { Choice, EventPicker, PropertyPicker } from '../../../components/pickers.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import type { Query } from '../model-view.ts';

type Exclusion = NonNullable<FunnelQuery['exclusions']>[number];

export function FunnelOptions({ query, setQuery }: { query: Query; setQuery: (q: Query) => void }) {
  const { t, lang } = useI18n();
  const en = lang === 'en';
  const stepCount = ((query.steps as unknown[] | undefined) ?? []).length;
  const exclusions = (query.exclusions as Exclusion[] | undefined) ?? [];
  const setExclusions = (next: Exclusion[]) => {
    const { exclusions: _e, ...rest } = query;
    setQuery(next.length ? { ...rest, exclusions: next } : rest);
  };
  const edit = (i: number, change: Partial<Exclusion>) =>
    setExclusions(exclusions.map((x, j) => (j === i ? { ...x, ...change } : x)));
  const stepOptions = (from: number, to: number) =>
    Array.from({ length: Math.max(0, to - from + 1) }, (_, k) => {
      const n = String(from + k);
      return [n, `${t('q.step')} ${n}`] as const;
    });
  return (
    <>
      <div className="row">
        <Choice
          label={en ? 'Step order' : '步骤顺序'}
          value={String(query.order ?? 'loose') as 'loose' | 'strict'}
          options={[
            ['loose', en ? 'Loose (other steps may occur between)' : '宽松（步骤间可有其他步骤事件）'],
            ['strict', en ? 'Strict (no other step event between)' : '严格（步骤间不得出现其他步骤事件）'],
          ]}
          onChange={(order) => {
            const { order: _o, ...rest } = query;
            setQuery(order === 'loose' ? rest : { ...rest, order });
          }}
        />
        <PropertyPicker
          label={en ? 'Linking property (same value on every step)' : '关联属性（各步骤取值相同）'}
          source="event"
          value={String(query.linkProperty ?? '')}
          allowNone={en ? 'None' : '不关联'}
          onChange={(linkProperty) => {
            const { linkProperty: _l, ...rest } = query;
            setQuery(linkProperty ? { ...rest, linkProperty } : rest);
          }}
        />
      </div>
      <fieldset data-testid="funnel-exclusions">
        <legend>
          {en
            ? 'Exclusions: drop attempts with this event between steps'
            : '排除：步骤之间发生以下事件则不计'}
        </legend>
        {exclusions.map((x, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: exclusions are edited by position.
          <div className="row" key={i}>
            <EventPicker
              label={`${en ? 'Excluded event' : '排除事件'} ${i + 1}`}
              value={x.event}
              onChange={(event) => edit(i, { event })}
            />
            <Choice
              label={`${en ? 'After' : '从'} (${i + 1})`}
              value={String(x.fromStep)}
              options={stepOptions(1, stepCount - 1)}
              onChange={(n) => edit(i, { fromStep: Number(n), toStep: Math.max(Number(n) + 1, x.toStep) })}
            />
            <Choice
              label={`${en ? 'Before' : '到'} (${i + 1})`}
              value={String(x.toStep)}
              options={stepOptions(x.fromStep + 1, stepCount)}
              onChange={(n) => edit(i, { toStep: Number(n) })}
            />
            <button type="button" onClick={() => setExclusions(exclusions.filter((_, j) => j !== i))}>
              {t('q.remove')} {en ? 'exclusion' : '排除'} {i + 1}
            </button>
          </div>
        ))}
        {exclusions.length < 5 && stepCount >= 2 && (
          <button
            type="button"
            onClick={() => setExclusions([...exclusions, { event: '$AppEnd', fromStep: 1, toStep: 2 }])}
          >
            {en ? 'Add exclusion' : '添加排除事件'}
          </button>
        )}
      </fieldset>
    </>
  );
}
