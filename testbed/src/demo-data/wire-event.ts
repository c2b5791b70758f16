// The SDK wire format (collector/docs/wire-format.md) as the demo generator and the load tools
// produce it.
export interface WireEvent {
  type: 'track' | 'profile_set' | 'profile_set_once';
  event?: string;
  uuid: string;
  time: number;
  distinct_id: string;
  login_id?: string;
  session_id?: string;
  properties: Record<string, string | number | boolean>;
}
