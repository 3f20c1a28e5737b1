import { describe, expect, it } from 'vitest';
import { createAuthCheck } from './auth.js';
import { PrometheusConfigError } from './errors.js';

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('createAuthCheck', () => {
  it('lets everything through without auth', () => {
    expect(createAuthCheck(undefined)(undefined)).toEqual({ ok: true });
  });

  it('accepts the right bearer token only', () => {
    const check = createAuthCheck({ bearerToken: 's3cret' });
    expect(check('Bearer s3cret')).toEqual({ ok: true });
    expect(check('bearer s3cret')).toEqual({ ok: true });
    const denied = { ok: false, challenge: 'Bearer realm="metrics"' };
    expect(check(undefined)).toEqual(denied);
    expect(check('Bearer s3cre')).toEqual(denied);
    expect(check('Bearer s3cretX')).toEqual(denied);
    expect(check('Bearer')).toEqual(denied);
    expect(check(basic('s3cret', 's3cret'))).toEqual(denied);
  });

  it('accepts the right basic credentials only, with passwords that contain ":"', () => {
    const check = createAuthCheck({ basic: { username: 'prom', password: 'pa:ss' } });
    expect(check(basic('prom', 'pa:ss'))).toEqual({ ok: true });
    const denied = { ok: false, challenge: 'Basic realm="metrics", charset="UTF-8"' };
    expect(check(basic('prom', 'pa:s'))).toEqual(denied);
    expect(check(basic('Prom', 'pa:ss'))).toEqual(denied);
    expect(check('Basic !!!')).toEqual(denied);
    expect(check('Bearer pa:ss')).toEqual(denied);
    expect(check(undefined)).toEqual(denied);
  });

  it('refuses malformed base64 that still decodes to the right credentials', () => {
    const check = createAuthCheck({ basic: { username: 'prom', password: 'pa:ss' } });
    const good = Buffer.from('prom:pa:ss').toString('base64');
    expect(good).toBe('cHJvbTpwYTpzcw==');
    // Each variant decodes, with Node's lenient decoder, to exactly the right credentials.
    const variants = [
      good.replace('==', ''), // padding missing
      good.replace('==', '='), // padding short
      `${good}==`, // padding doubled
      `${good}!!`, // trailing garbage
      `${good.slice(0, 4)} ${good.slice(4)}`, // space inside
      `${good.slice(0, 4)}\t${good.slice(4)}`, // tab inside
      `${good.slice(0, 4)}.${good.slice(4)}`, // junk character inside
      'cHJvbTpwYTpzcx==', // non-zero pad bits
      Buffer.from('prom:pa:ss').toString('base64url'), // URL-safe alphabet, unpadded
    ];
    for (const variant of variants) {
      expect(Buffer.from(variant, 'base64').toString('utf8')).toBe('prom:pa:ss');
      expect(check(`Basic ${variant}`), variant).toEqual({ ok: false, challenge: 'Basic realm="metrics", charset="UTF-8"' });
    }
    expect(check(`Basic ${good}`)).toEqual({ ok: true });
  });

  it('refuses credentials that are not UTF-8 rather than replacing bytes', () => {
    const check = createAuthCheck({ basic: { username: 'prom', password: 'pa\uFFFD' } });
    const lenient = `Basic ${Buffer.concat([Buffer.from('prom:pa'), Buffer.from([0xff])]).toString('base64')}`;
    expect(check(lenient)).toEqual({ ok: false, challenge: 'Basic realm="metrics", charset="UTF-8"' });
    expect(check(basic('prom', 'pa\uFFFD'))).toEqual({ ok: true });
  });

  it('refuses empty secrets, so an unset variable cannot open the endpoint', () => {
    expect(() => createAuthCheck({ bearerToken: '' })).toThrow(PrometheusConfigError);
    expect(() => createAuthCheck({ bearerToken: undefined as unknown as string })).toThrow(PrometheusConfigError);
    expect(() => createAuthCheck({ basic: { username: 'prom', password: '' } })).toThrow(PrometheusConfigError);
    expect(() => createAuthCheck({ basic: { username: 'a:b', password: 'x' } })).toThrow(/RFC 7617/);
  });
});
