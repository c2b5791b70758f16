// A private MariaDB for the embedded deployment and tests.
export { type MariaDbOptions, type RunningMariaDb, startMariaDb } from './launcher.ts';
