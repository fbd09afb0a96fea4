import { expect, it } from 'vitest';
import { fileLimits, readEnv } from '../src/env.js';

it('takes the spreadsheet upload limits from the settings, 10MB and 100MB unzipped by default', () => {
  expect(fileLimits(readEnv({}))).toEqual({ maxUploadBytes: 10 * 1024 * 1024, maxUnzippedBytes: 100 * 1024 * 1024 });
  expect(fileLimits(readEnv({ IMPORT_MAX_MB: '2.5', IMPORT_MAX_UNZIPPED_MB: '40' }))).toEqual({
    maxUploadBytes: 2.5 * 1024 * 1024,
    maxUnzippedBytes: 40 * 1024 * 1024,
  });
});

it('names the setting and the rule when a limit is wrong', () => {
  expect(() => readEnv({ IMPORT_MAX_MB: '0' })).toThrow(/IMPORT_MAX_MB.*必须大于0/);
  expect(() => readEnv({ IMPORT_MAX_UNZIPPED_MB: 'lots' })).toThrow(/IMPORT_MAX_UNZIPPED_MB/);
});
