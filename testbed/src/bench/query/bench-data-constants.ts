// The benchmark data set's fixed facts (app, range, version), shared by the generator, the bench
// main and the reference query shapes. Never depends on anything but constants.
export const BENCH_APP = 'bench';
/** Bumped when the generated data changes, so stored data sets are regenerated. */
export const BENCH_DATA_VERSION = 3;
export const BENCH_FROM = '2026-10-01';
export const BENCH_TO = '2026-10-30';
/** 2026-10-01 00:00 in Asia/Shanghai. */
export const START_MS = Date.parse('2026-09-30T16:00:00Z');
export const SPAN_MS = 30 * 86_400_000;
/** Anonymous device persons are DEVICE_BASE + customer number. */
export const DEVICE_BASE = 1_000_000_000;
