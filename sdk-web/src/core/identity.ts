// Who the events are about: the anonymous device id (distinct_id, kept across login/logout) and
// the bank customer id (login_id) after login. Never derives ids from device fingerprints.
import { uuidV4 } from './uuid.ts';

export interface Identity {
  distinct_id: string;
  login_id?: string;
}

/**
 * A fresh anonymous identity.
 * @example newIdentity() // { distinct_id: 'a7c3...' }
 */
export function newIdentity(): Identity {
  return { distinct_id: uuidV4() };
}
