// Event and property pickers fed by the metadata catalog: staff choose by display name (the
// Chinese name), the query carries the event's real name. Hidden entries are left out. When the
// catalog is unavailable the picker falls back to a text box so analyses still work.
import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { catalogEventsQuery, catalogPropertiesQuery } from '../api/queries.ts';
import { useScope } from '../app/scope.tsx';
import { useI18n } from '../i18n/i18n.tsx';

const labelOf = (name: string, displayName: string) =>
  displayName && displayName !== name ? `${displayName} (${name})` : name;

export function EventPicker({
  label,
  value,
  onChange,
  allowAny = false,
}: {
  label: string;
  value: string;
  onChange: (event: string) => void;
  allowAny?: boolean;
}) {
  const { t } = useI18n();
  const { appId } = useScope();
  const id = useId();
  const catalog = useQuery(catalogEventsQuery(appId));
  const events = catalog.data?.filter((e) => !e.hidden) ?? [];
  // While the catalog loads the picker is a disabled select holding the current value (not a
  // text box that turns into a select a moment later under the user's cursor); a free text box
  // only when the catalog knows no events at all.
  return (
    <span className="field">
      <label htmlFor={id}>{label}</label>
      {!catalog.isPending && events.length === 0 ? (
        <input id={id} value={value} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <select id={id} value={value} disabled={catalog.isPending} onChange={(e) => onChange(e.target.value)}>
          {allowAny && <option value="$any">{t('q.anyEvent')}</option>}
          {!events.some((e) => e.name === value) && value !== '$any' && (
            <option value={value}>{value}</option>
          )}
          {events.map((e) => (
            <option key={e.name} value={e.name}>
              {labelOf(e.name, e.displayName)}
            </option>
          ))}
        </select>
      )}
    </span>
  );
}

export function PropertyPicker({
  label,
  source,
  value,
  onChange,
  numericOnly = false,
  allowNone,
}: {
  label: string;
  source: 'event' | 'user';
  value: string;
  onChange: (property: string) => void;
  numericOnly?: boolean;
  /** When set, an empty first option with this text. */
  allowNone?: string;
}) {
  const { appId } = useScope();
  const id = useId();
  const catalog = useQuery(catalogPropertiesQuery(appId, source));
  const all = catalog.data ?? [];
  const props = all.filter((p) => !p.hidden && (!numericOnly || p.type === 'number'));
  // As EventPicker: a disabled select while the catalog loads, a text box only for an empty catalog.
  return (
    <span className="field">
      <label htmlFor={id}>{label}</label>
      {!catalog.isPending && all.length === 0 ? (
        <input id={id} value={value} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <select id={id} value={value} disabled={catalog.isPending} onChange={(e) => onChange(e.target.value)}>
          {allowNone !== undefined && <option value="">{allowNone}</option>}
          {value && !props.some((p) => p.name === value) && <option value={value}>{value}</option>}
          {props.map((p) => (
            <option key={p.name} value={p.name}>
              {labelOf(p.name, p.displayName)}
            </option>
          ))}
        </select>
      )}
    </span>
  );
}

/** A labelled select over fixed options. */
export function Choice<T extends string>({
  label,
  value,
  options,
  onChange,
  testId,
}: {
  label: string;
  value: T;
  options: ReadonlyArray<readonly [T, string]>;
  onChange: (value: T) => void;
  testId?: string;
}) {
  const id = useId();
  return (
    <span className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as T)} data-testid={testId}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </span>
  );
}

/** A labelled number input. */
export function NumberField({
  label,
  value,
  onChange,
  min,
  max,
}: {
  label: string;
  value: number;
  onChange: (value: number) => void;
  min?: number;
  max?: number;
}) {
  const id = useId();
  return (
    <span className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        value={value}
        min={min}
        max={max}
        onChange={(e) => onChange(Number(e.target.value))}
      />
    </span>
  );
}
