import { createHmac } from 'node:crypto';
import { checkMessengerSignature, signMessengerBody } from '../../../../src/channels/messenger/messenger.signature';
import { fixtureBytes } from './fixtures';

const SECRET = 'app-secret-for-tests';

describe('Messenger signature', () => {
  it('When a body is signed, then the header is sha256= and the lower-case hex HMAC-SHA256 of its bytes', () => {
    const body = Buffer.from('The quick brown fox jumps over the lazy dog');
    expect(signMessengerBody(body, 'key')).toBe('sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
  });

  it('When the signature was made with the app secret over the exact bytes, then it is accepted', () => {
    const body = fixtureBytes('batched.json');
    expect(checkMessengerSignature(body, signMessengerBody(body, SECRET), SECRET)).toEqual({ ok: true });
  });

  it('When Meta signs its \\u-escaped bytes, then those bytes verify and the same JSON re-serialised in UTF-8 does not', () => {
    const raw = fixtureBytes('text-escaped.json');
    expect(raw.toString('latin1')).toContain('\\u1ea1');
    const header = `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;
    expect(checkMessengerSignature(raw, header, SECRET)).toEqual({ ok: true });
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))), 'utf8');
    expect(reserialised.equals(raw)).toBe(false);
    expect(checkMessengerSignature(reserialised, header, SECRET)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('When one byte of the body changed after signing, then it is a mismatch', () => {
    const body = fixtureBytes('echoes.json');
    const header = signMessengerBody(body, SECRET);
    const forged = Buffer.from(body);
    forged[forged.length - 3] = forged[forged.length - 3]! ^ 1;
    expect(checkMessengerSignature(forged, header, SECRET)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('When the signature belongs to another body, then it is a mismatch', () => {
    const header = signMessengerBody(Buffer.from('{"object":"page","entry":[]}'), SECRET);
    expect(checkMessengerSignature(fixtureBytes('batched.json'), header, SECRET)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('When the body was signed with another secret, then it is a mismatch', () => {
    const body = fixtureBytes('batched.json');
    expect(checkMessengerSignature(body, signMessengerBody(body, 'someone-else'), SECRET)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it.each([undefined, '', '   '])('When the header is %p, then the signature is missing', (header) => {
    expect(checkMessengerSignature(Buffer.from('{}'), header, SECRET)).toEqual({ ok: false, reason: 'missing' });
  });

  it.each([
    ['no prefix', 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8'],
    ['a SHA-1 value', 'sha1=de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9'],
    ['63 hex digits', `sha256=${'a'.repeat(63)}`],
    ['65 hex digits', `sha256=${'a'.repeat(65)}`],
    ['non-hex digits', `sha256=${'g'.repeat(64)}`],
    ['two values joined', `sha256=${'a'.repeat(64)}, sha256=${'b'.repeat(64)}`],
  ])('When the header has %s, then it is malformed', (_what, header) => {
    expect(checkMessengerSignature(Buffer.from('{}'), header, SECRET)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('When the hex digits come in upper case, then the signature is still accepted', () => {
    const body = Buffer.from('{"object":"page","entry":[]}');
    const header = signMessengerBody(body, SECRET).replace(/[a-f]/g, (c) => c.toUpperCase());
    expect(checkMessengerSignature(body, header, SECRET)).toEqual({ ok: true });
  });

  it.each([undefined, ''])('When the app secret is %p, then nothing can be verified: notConfigured', (secret) => {
    const body = Buffer.from('{}');
    expect(checkMessengerSignature(body, signMessengerBody(body, 'x'), secret)).toEqual({ ok: false, reason: 'notConfigured' });
  });
});
