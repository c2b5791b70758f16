// Event analysis formulas as controls: a name and an expression over the metric letters
// ("B/A*100" = metric B per 100 of metric A), up to five. The API checks the expression; the box
// only allows the characters the API accepts, so a typo is caught before sending.
import type { EventQuery } from '../../../api/types.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import type { Query } from '../model-view.ts';

type Formula = NonNullable<EventQuery['formulas']>[number];
const EXPRESSION = /^[A-J0-9+\-*/(). ]+$/;

export function EventFormulas({ query, setQuery }: { query: Query; setQuery: (q: Query) => void }) {
  const { t, lang } = useI18n();
  const en = lang === 'en';
  const formulas = (query.formulas as Formula[] | undefined) ?? [];
  const set = (next: Formula[]) => {
    const { formulas: _f, ...rest } = query;
    setQuery(next.length ? { ...rest, formulas: next } : rest);
  };
  const edit = (i: number, change: Partial<Formula>) =>
    set(formulas.map((f, j) => (j === i ? { ...f, ...change } : f)));
  return (
    <fieldset data-testid="formulas">
      <legend>{en ? 'Formulas over the metrics (A, B, ...)' : '公式（用指标字母 A、B… 计算）'}</legend>
      {formulas.map((f, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: formulas are edited by position.
        <div className="row" key={i}>
          <span className="field">
            <label>
              {`${en ? 'Formula name' : '公式名称'} ${i + 1}`}
              <input value={f.label} maxLength={100} onChange={(e) => edit(i, { label: e.target.value })} />
            </label>
          </span>
          <span className="field">
            <label>
              {`${en ? 'Expression, e.g. B/A*100' : '表达式，例如 B/A*100'} ${i + 1}`}
              <input
                value={f.expression}
                maxLength={200}
                pattern={EXPRESSION.source}
                aria-invalid={!EXPRESSION.test(f.expression)}
                onChange={(e) => edit(i, { expression: e.target.value.toUpperCase() })}
              />
            </label>
          </span>
          <button type="button" onClick={() => set(formulas.filter((_, j) => j !== i))}>
            {t('q.remove')} {en ? 'formula' : '公式'} {i + 1}
          </button>
        </div>
      ))}
      {formulas.length < 5 && (
        <button
          type="button"
          onClick={() => set([...formulas, { label: en ? 'Ratio' : '比率', expression: 'A' }])}
        >
          {en ? 'Add formula' : '添加公式'}
        </button>
      )}
    </fieldset>
  );
}
