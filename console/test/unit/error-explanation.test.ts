// The text of an error panel, in both languages, from the real message table.
import { describe, expect, it } from 'vitest';
import { ApiFailure } from '../../src/api/client.ts';
import { errorExplanation } from '../../src/components/error-explanation.ts';
import { MESSAGES, type MessageKey } from '../../src/i18n/messages.ts';

const inLanguage = (index: 0 | 1) => (key: MessageKey) => MESSAGES[key][index];

describe('error explanation', () => {
  it('explains a busy engine and a too-expensive question in the chosen language, with the code', () => {
    const busy = new ApiFailure(503, 'ANALYSIS_BUSY', 'Too many analyses are running or waiting');
    const expensive = new ApiFailure(422, 'QUERY_TOO_EXPENSIVE', 'The analysis hit its time or memory limit');
    expect(errorExplanation(inLanguage(0), busy)).toBe(
      '当前分析请求较多，已自动重试仍未轮到；请稍后再试 (ANALYSIS_BUSY)',
    );
    expect(errorExplanation(inLanguage(1), expensive)).toBe(
      'The analysis hit its time or memory limit: narrow the date range, org scope or filters (QUERY_TOO_EXPENSIVE)',
    );
    expect(errorExplanation(inLanguage(0), expensive)).toContain('缩短时间范围');
  });

  it('shows any other API error by its code and the API message, and anything else as it is', () => {
    const other = new ApiFailure(
      403,
      'ORG_OUT_OF_SCOPE',
      'That organisation is outside the part of the tree you may see',
    );
    expect(errorExplanation(inLanguage(0), other)).toBe(
      'ORG_OUT_OF_SCOPE: That organisation is outside the part of the tree you may see',
    );
    expect(errorExplanation(inLanguage(0), new TypeError('Failed to fetch'))).toBe(
      'TypeError: Failed to fetch',
    );
  });
});
