// The ten analysis models in menu order (the URL segment equals the API's model name).
export const MODEL_NAMES = [
  'events',
  'funnel',
  'retention',
  'distribution',
  'interval',
  'path',
  'attribution',
  'ltv',
  'session',
  'user-properties',
] as const;
export type ModelName = (typeof MODEL_NAMES)[number];
