// Small HTTP pieces shared by Tally's servers.
export { connectionLeft } from './connection-left.ts';
