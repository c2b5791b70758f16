// ANALYSIS_MAX_RUNNING / _QUEUED / _WAIT_S as the API reads them at boot.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadApiConfig } from '../src/config.ts';
import { DEFAULT_ANALYSIS_QUEUE } from '../src/models/common/analysis-queue.ts';

const KEY = randomBytes(32).toString('base64');

describe('analysis queue configuration', () => {
  it('defaults to 3 running, 200 waiting, 30 s, and reads each variable', () => {
    expect(loadApiConfig({ TALLY_SECRET_KEY: KEY }).analysisQueue).toEqual({
      running: 3,
      queued: 200,
      maxWaitMs: 30_000,
    });
    expect(DEFAULT_ANALYSIS_QUEUE).toEqual({ running: 3, queued: 200, maxWaitMs: 30_000 });
    const set = loadApiConfig({
      TALLY_SECRET_KEY: KEY,
      ANALYSIS_MAX_RUNNING: '8',
      ANALYSIS_MAX_QUEUED: '0',
      ANALYSIS_MAX_WAIT_S: '5',
    });
    expect(set.analysisQueue).toEqual({ running: 8, queued: 0, maxWaitMs: 5_000 });
  });

  it('refuses a value that would stop every analysis, naming the variable', () => {
    expect(() => loadApiConfig({ TALLY_SECRET_KEY: KEY, ANALYSIS_MAX_RUNNING: '0' })).toThrow(
      /ANALYSIS_MAX_RUNNING/,
    );
    expect(() => loadApiConfig({ TALLY_SECRET_KEY: KEY, ANALYSIS_MAX_WAIT_S: 'soon' })).toThrow(
      /ANALYSIS_MAX_WAIT_S/,
    );
  });
});
