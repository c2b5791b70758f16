// The field a schema refusal names: the same path form the models use for their own refusals.
import { describe, expect, it } from 'vitest';
import { validationField } from '../../src/errors/error-handler.ts';

describe('validationField', () => {
  it('writes body paths as the models do, array items in brackets', () => {
    expect(validationField('body', { instancePath: '/steps/1/filters/0/values' })).toBe(
      'steps[1].filters[0].values',
    );
    expect(validationField('body', { instancePath: '/periods' })).toBe('periods');
    expect(validationField(undefined, { instancePath: '', params: { missingProperty: 'password' } })).toBe(
      'password',
    );
    expect(
      validationField('body', { instancePath: '/metrics/0', params: { missingProperty: 'event' } }),
    ).toBe('metrics[0].event');
    expect(validationField('body', { instancePath: '', params: { additionalProperty: 'foo' } })).toBe('foo');
  });

  it('says where a field outside the body is, and names the body when the issue is the whole body', () => {
    expect(validationField('querystring', { instancePath: '/limit' })).toBe('querystring.limit');
    expect(validationField('params', { instancePath: '/id' })).toBe('params.id');
    expect(validationField('body', { instancePath: '' })).toBe('body');
  });
});
