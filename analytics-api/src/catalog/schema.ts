// The catalog API's shapes (served in /openapi.json, imported by the console).
import { type Static, Type } from '@sinclair/typebox';

export const CatalogEventSchema = Type.Object({
  name: Type.String(),
  /** Staff annotation, else the built-in Chinese name, else ''. */
  displayName: Type.String(),
  description: Type.String(),
  hidden: Type.Boolean(),
  /** Events received within the caller's org scope. */
  volume: Type.Integer(),
  firstSeen: Type.String({ description: 'ISO instant' }),
  lastSeen: Type.String({ description: 'ISO instant' }),
});
export type CatalogEvent = Static<typeof CatalogEventSchema>;

export const CatalogPropertySchema = Type.Object({
  name: Type.String(),
  source: Type.Union([Type.Literal('event'), Type.Literal('user')]),
  type: Type.Union([Type.Literal('string'), Type.Literal('number')]),
  /** A preset column ($os, $bank_code, ...) rather than a custom property. */
  preset: Type.Boolean(),
  displayName: Type.String(),
  description: Type.String(),
  hidden: Type.Boolean(),
  /**
   * Events (event properties) or profile writes (user properties) carrying it, within the
   * caller's org scope; 0 for presets.
   */
  volume: Type.Integer(),
  /** Event properties: the events that carry it. */
  events: Type.Array(Type.String()),
  /**
   * Within the caller's org scope: event properties, the first and last event time carrying it;
   * user properties, the earliest and latest `last_seen` of a profile written with it. Absent for
   * presets (columns every row has, not tracked by the catalog).
   */
  firstSeen: Type.Optional(Type.String({ description: 'ISO instant' })),
  lastSeen: Type.Optional(Type.String({ description: 'ISO instant' })),
});
export type CatalogProperty = Static<typeof CatalogPropertySchema>;

export const AnnotationSchema = Type.Object(
  {
    appId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }),
    displayName: Type.Optional(Type.String({ maxLength: 100 })),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    hidden: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type Annotation = Static<typeof AnnotationSchema>;
