import { DeidErrorCode } from '@imagora/core';
import { parseDeidOptions } from './deid-options';

describe(parseDeidOptions.name, () => {
  it('returns the options in canonical order', () => {
    expect(parseDeidOptions(['clean-graphics', 'retain-uids'])).toEqual(['retain-uids', 'clean-graphics']);
  });

  it('refuses an unknown option name', () => {
    expect(() => parseDeidOptions(['retain-everything'])).toThrow(expect.objectContaining({ code: DeidErrorCode.INVALID_OPTIONS }));
  });

  it('refuses full and modified dates together', () => {
    expect(() => parseDeidOptions(['retain-longitudinal-full-dates', 'retain-longitudinal-modified-dates'])).toThrow(
      expect.objectContaining({ code: DeidErrorCode.INVALID_OPTIONS }),
    );
  });
});
