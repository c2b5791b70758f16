// A labelled text box for an ascending list of numbers (bucket boundaries): staff type
// "18, 30, 45" and the query gets [18, 30, 45]. Invalid text is reported next to the box (with
// the rule it breaks) and never reaches the query, so the API is not asked with a bad list.
import { useId, useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';

/** The numbers in `text`, or the reason they are not a strictly ascending list. */
export function parseAscending(text: string): { values: number[] } | { problem: 'number' | 'order' } {
  const parts = text
    .split(/[,，\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const values = parts.map(Number);
  if (values.some((v) => !Number.isFinite(v))) return { problem: 'number' };
  if (values.some((v, i) => i > 0 && v <= values[i - 1]!)) return { problem: 'order' };
  return { values };
}

export function NumberListField({
  label,
  value,
  onChange,
  testId,
  maxItems = 50,
}: {
  label: string;
  value: readonly number[] | undefined;
  /** undefined when the box is empty. */
  onChange: (values: number[] | undefined) => void;
  testId?: string;
  maxItems?: number;
}) {
  const { lang } = useI18n();
  const id = useId();
  const [text, setText] = useState((value ?? []).join(', '));
  const [problem, setProblem] = useState<string | null>(null);
  const en = lang === 'en';
  const commit = (next: string) => {
    setText(next);
    const parsed = parseAscending(next);
    if ('problem' in parsed) {
      setProblem(
        parsed.problem === 'number'
          ? en
            ? 'Only numbers, separated by commas'
            : '只能填写数字，用逗号分隔'
          : en
            ? 'Each boundary must be larger than the one before'
            : '边界必须从小到大递增',
      );
      return;
    }
    if (parsed.values.length > maxItems) {
      setProblem(en ? `At most ${maxItems} boundaries` : `最多 ${maxItems} 个边界`);
      return;
    }
    setProblem(null);
    onChange(parsed.values.length ? parsed.values : undefined);
  };
  return (
    <span className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        value={text}
        inputMode="decimal"
        placeholder={en ? 'e.g. 1000, 5000, 20000' : '例如 1000, 5000, 20000'}
        aria-invalid={problem !== null}
        aria-describedby={problem ? `${id}-problem` : undefined}
        onChange={(e) => commit(e.target.value)}
        data-testid={testId}
      />
      {problem && (
        <span id={`${id}-problem`} className="field-problem" role="alert">
          {problem}
        </span>
      )}
    </span>
  );
}
