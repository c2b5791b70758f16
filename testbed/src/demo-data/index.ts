// Demo data: a synthetic province of rural banks and its customers' mobile-banking behaviour.
export type { Channel, DemoCustomer, DemoDevice } from './customers.ts';
export { type DemoDataSet, type DemoOptions, generateDemoData } from './generate.ts';
export { buildDemoProvince, type DemoOrg, type DemoProvince, type OrgTier } from './org-tree.ts';
export { type PostOptions, type PostSummary, postBatches } from './post-batches.ts';
export { seededRandom } from './random.ts';
export { type DemoLogins, seedDemoLogins } from './seed-demo-logins.ts';
export { LARGE_TRANSFER_YUAN } from './session-script.ts';
export type { WireEvent } from './wire-event.ts';
