import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseConfig } from '../src/config';
import { configFromSearch, configToSearch } from '../web/urlConfig';

describe('the config in the URL', () => {
  it('writes nothing for the defaults and only the changed fields otherwise', () => {
    expect(configToSearch(DEFAULT_CONFIG)).toBe('');
    const config = parseConfig({ epochs: 7, methodOptions: { cagrad: { calpha: 0.3 } }, name: 'café ☕' });
    const search = configToSearch(config);
    const json = JSON.parse(Buffer.from(new URLSearchParams(search).get('config')!, 'base64url').toString());
    expect(json).toEqual({ name: 'café ☕', epochs: 7, methodOptions: { cagrad: { calpha: 0.3 } } });
  });

  it('reads back the same config', () => {
    const config = parseConfig({
      architecture: { type: 'ple', hidden: [16, 8], levels: 3 },
      optimizers: ['sgd', 'adam'],
      seeds: [4],
    });
    expect(configFromSearch(configToSearch(config))).toEqual(config);
    expect(configFromSearch('')).toEqual(DEFAULT_CONFIG);
  });

  it.each([
    ['?config=%%%', 'not valid base64'],
    [`?config=${Buffer.from('{"epochs":').toString('base64url')}`, 'not valid JSON'],
    [
      `?config=${Buffer.from('{"epochs":0}').toString('base64url')}`,
      'epochs: expected an integer from 1 to 100000, got 0',
    ],
  ])('names what is wrong with %s', (search, message) => {
    expect(() => configFromSearch(search)).toThrow(message);
  });
});
