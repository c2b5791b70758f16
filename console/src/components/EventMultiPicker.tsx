// A labelled multiple choice of events from the catalog (a native <select multiple>: keyboard
// and screen-reader support come with it). Hidden events are left out unless already chosen.
import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { catalogEventsQuery } from '../api/queries.ts';
import { useScope } from '../app/scope.tsx';
import { useI18n } from '../i18n/i18n.tsx';

export function EventMultiPicker({
  label,
  value,
  onChange,
  testId,
}: {
  label: string;
  value: readonly string[];
  onChange: (events: string[]) => void;
  testId?: string;
}) {
  const { lang } = useI18n();
  const { appId } = useScope();
  const id = useId();
  const events = useQuery(catalogEventsQuery(appId)).data?.filter((e) => !e.hidden) ?? [];
  const names = [...events.map((e) => e.name), ...value.filter((v) => !events.some((e) => e.name === v))];
  const shown = new Map(events.map((e) => [e.name, e.displayName]));
  return (
    <span className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        multiple
        size={Math.min(6, Math.max(3, names.length))}
        value={[...value]}
        aria-describedby={`${id}-hint`}
        data-testid={testId}
        onChange={(e) => onChange([...e.target.selectedOptions].map((o) => o.value))}
      >
        {names.map((name) => {
          const display = shown.get(name);
          return (
            <option key={name} value={name}>
              {display && display !== name ? `${display} (${name})` : name}
            </option>
          );
        })}
      </select>
      <span id={`${id}-hint`} className="small">
        {lang === 'en' ? 'Ctrl/Shift + click or arrows for several' : '按住 Ctrl/Shift 可多选'}
      </span>
    </span>
  );
}
