// Checks event and property names of a query against the app's catalog and gives each property
// its type. Every name that reaches SQL passed through here, so a misspelt or hostile name is a
// 400 naming the field, not an empty chart (and never SQL: names are bound parameters anyway).
import type { KnownNames } from '../../catalog/known-names.ts';
import { ApiError } from '../../errors/catalogue.ts';
import {
  EVENT_PRESET_COLUMNS,
  type PropertyRef,
  type PropertySource,
  USER_PRESET_COLUMNS,
} from './property-sql.ts';
import { ANY_EVENT } from './query-schema.ts';

export class NameResolver {
  constructor(private readonly known: KnownNames) {}

  /** An event name; `$any` only where the model allows it. */
  event(name: string, field: string, allowAny = false): string {
    if (name === ANY_EVENT) {
      if (allowAny) return name;
      throw new ApiError('VALIDATION_FAILED', `"${ANY_EVENT}" is not allowed here`, field);
    }
    if (!this.known.events.has(name)) throw new ApiError('UNKNOWN_EVENT', `"${name}"`, field);
    return name;
  }

  property(source: PropertySource, name: string, field: string): PropertyRef {
    const presets = source === 'event' ? EVENT_PRESET_COLUMNS : USER_PRESET_COLUMNS;
    if (Object.hasOwn(presets, name)) return { source, name, type: 'string' };
    const type = (source === 'event' ? this.known.eventProps : this.known.userProps).get(name);
    if (!type) throw new ApiError('UNKNOWN_PROPERTY', `${source} property "${name}"`, field);
    return { source, name, type };
  }
}
