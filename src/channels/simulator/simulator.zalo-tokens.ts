import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SimulatedZaloCredentials } from './simulator.credentials';

export const ZALO_ACCESS_TOKEN_SECONDS = 90_000;
const REFRESH_TOKEN_MS = 90 * 24 * 3_600_000;
const MAX_REMEMBERED = 2_000;

export type AccessCheck = 'ok' | 'invalid' | 'expired';

export interface ZaloTokenPair {
  readonly access_token: string;
  readonly refresh_token: string;
  /** Zalo writes it as a string (zalo.md §3). */
  readonly expires_in: string;
}

/**
 * Zalo's token rules, stood in: access tokens last 25 h, a refresh is single use and returns a
 * new pair, and the old pair dies with it (zalo.md §3). Issued tokens carry their expiry and a MAC,
 * so a token stored by the app stays valid across a restart of the simulator; only the
 * "already used / revoked" memory is per process (bounded), which errs on the lenient side.
 */
export class ZaloTokenAuthority {
  private readonly revoked = new Set<string>();

  constructor(
    private readonly credentials: SimulatedZaloCredentials,
    private readonly now: () => number,
  ) {}

  checkAccess(token: string | undefined): AccessCheck {
    if (!token) return 'invalid';
    if (token === this.credentials.accessToken) return this.revoked.has(token) ? 'invalid' : 'ok';
    const parsed = this.parse('at', token);
    if (!parsed || this.revoked.has(token)) return 'invalid';
    return parsed.expiresAt > this.now() ? 'ok' : 'expired';
  }

  /** A new pair, or undefined when the refresh token is unknown, expired or already used. */
  refresh(refreshToken: string): ZaloTokenPair | undefined {
    if (this.revoked.has(refreshToken)) return undefined;
    let pairedAccess: string;
    if (refreshToken === this.credentials.refreshToken) pairedAccess = this.credentials.accessToken;
    else {
      const parsed = this.parse('rt', refreshToken);
      if (!parsed || parsed.expiresAt <= this.now()) return undefined;
      pairedAccess = parsed.pairedAccess;
    }
    this.revoke(refreshToken);
    this.revoke(pairedAccess);
    const nonce = randomBytes(12).toString('base64url');
    const now = this.now();
    return {
      access_token: this.sign('at', now + ZALO_ACCESS_TOKEN_SECONDS * 1000, nonce),
      refresh_token: this.sign('rt', now + REFRESH_TOKEN_MS, nonce),
      expires_in: String(ZALO_ACCESS_TOKEN_SECONDS),
    };
  }

  private revoke(token: string): void {
    if (this.revoked.size >= MAX_REMEMBERED) {
      const oldest = this.revoked.values().next();
      if (!oldest.done) this.revoked.delete(oldest.value);
    }
    this.revoked.add(token);
  }

  private mac(kind: string, expiresAt: number, nonce: string): string {
    return createHmac('sha256', `${this.credentials.appSecret}:tokens`).update(`${kind}.${expiresAt}.${nonce}`).digest('base64url');
  }

  private sign(kind: 'at' | 'rt', expiresAt: number, nonce: string): string {
    return `sim-${kind}.${expiresAt}.${nonce}.${this.mac(kind, expiresAt, nonce)}`;
  }

  private parse(kind: 'at' | 'rt', token: string): { expiresAt: number; pairedAccess: string } | undefined {
    const match = /^sim-(at|rt)\.(\d{1,16})\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match || match[1] !== kind) return undefined;
    const expiresAt = Number(match[2]);
    const nonce = match[3]!;
    const expected = Buffer.from(this.mac(kind, expiresAt, nonce));
    const given = Buffer.from(match[4]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    // The pair shares its nonce, so a refresh token names the access token issued with it.
    const accessExpiry = expiresAt - REFRESH_TOKEN_MS + ZALO_ACCESS_TOKEN_SECONDS * 1000;
    return { expiresAt, pairedAccess: kind === 'rt' ? this.sign('at', accessExpiry, nonce) : token };
  }
}
