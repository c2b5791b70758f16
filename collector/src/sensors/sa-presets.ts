// How Sensors Analytics names map onto Tally's: library names, channels, preset events and the
// identity keys that name a device or a login rather than an extra identity. Data only; the
// rules that use it live in sa-record.ts. Property names shared by both products ($os, $model,
// $url, $title, $referrer, $screen_width, $app_version, ...) pass through unchanged.

/** SA `$lib` -> Tally `$lib` (prefixed so analyses can tell SA-sent data apart). */
export function tallyLib(saLib: string): string {
  return saLib === 'js' ? 'sa-js' : `sa-${saLib.toLowerCase().replace(/[^a-z0-9_.]/g, '')}`;
}

/** SA `$lib` -> Tally channel, when the record does not say `$channel` itself. */
export const CHANNEL_BY_SA_LIB: Readonly<Record<string, string>> = {
  js: 'web',
  Android: 'app',
  iOS: 'app',
  'react-native': 'app',
  Flutter: 'app',
  MiniProgram: 'mini_program',
};

/** SA preset event names whose Tally counterpart has another name. */
export const EVENT_NAME_BY_SA: Readonly<Record<string, string>> = {
  $WebClick: '$click',
  $WebPageLeave: '$pageleave',
  $MPViewScreen: '$pageview',
  $MPLaunch: '$AppStart',
  $MPHide: '$AppEnd',
};

/** The event a `track_signup` (SA login) becomes. */
export const LOGIN_EVENT = '$Login';

/** Identity keys that carry the device / anonymous id, in order of preference. */
export const DEVICE_IDENTITY_KEYS = [
  '$identity_cookie_id',
  '$identity_anonymous_id',
  '$identity_android_id',
  '$identity_android_uuid',
  '$identity_idfv',
  '$identity_distinct_id',
] as const;

export const LOGIN_IDENTITY_KEY = '$identity_login_id';
