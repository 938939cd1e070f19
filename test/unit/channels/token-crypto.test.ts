import { randomBytes } from 'node:crypto';
import { decryptSecret, encryptSecret, SecretDecryptionError } from '../../../src/channels/token-crypto';

const key = randomBytes(32);
const token = 'zalo-access-token-Đoàn-xanh-0123456789';

describe('tokens at rest', () => {
  it('When a secret is sealed and opened with the same key, then it comes back unchanged', () => {
    const sealed = encryptSecret(token, key);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(token);
    expect(decryptSecret(sealed, key)).toBe(token);
  });

  it('When the same secret is sealed twice, then the two values differ (random IV)', () => {
    expect(encryptSecret(token, key)).not.toBe(encryptSecret(token, key));
  });

  it('When the ciphertext, tag or iv is altered, then opening fails clearly', () => {
    const [v, iv, tag, data] = encryptSecret(token, key).split('.') as [string, string, string, string];
    const flip = (s: string) => {
      const bytes = Buffer.from(s, 'base64url');
      bytes[0] = bytes[0]! ^ 1;
      return bytes.toString('base64url');
    };
    for (const tampered of [[v, iv, tag, flip(data)], [v, iv, flip(tag), data], [v, flip(iv), tag, data]]) {
      expect(() => decryptSecret(tampered.join('.'), key)).toThrow(SecretDecryptionError);
    }
  });

  it('When another key is used, then opening fails with a message naming SECRETS_KEY', () => {
    expect(() => decryptSecret(encryptSecret(token, key), randomBytes(32))).toThrow(/SECRETS_KEY/);
  });

  it('When the value is not in the sealed format, then opening fails', () => {
    expect(() => decryptSecret(token, key)).toThrow(SecretDecryptionError);
    expect(() => decryptSecret(encryptSecret(token, key).replace(/^v1/, 'v2'), key)).toThrow(SecretDecryptionError);
  });

  it('When the key is not 32 bytes, then sealing refuses', () => {
    expect(() => encryptSecret(token, randomBytes(16))).toThrow(/32 bytes/);
  });
});
