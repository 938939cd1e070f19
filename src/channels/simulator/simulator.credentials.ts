/**
 * The fixed credentials a channel uses while the simulator stands in for its platform.
 *
 * NOT SECRETS: they are public, in the repository, and only ever accepted by the simulator's own
 * stand-in APIs on this machine. A real Zalo OA or Facebook Page never sees them. They are fixed
 * (not random per start) so a token stored by one run still works after a restart.
 */
export const SIMULATED_ZALO = Object.freeze({
  /** Zalo ids are 18–19 digit strings, beyond 2^53: kept as strings end to end. */
  appId: '360846524940903967',
  oaId: '388613280878808645',
  oaSecretKey: 'simulator-zalo-oa-secret-key-not-a-secret',
  appSecret: 'simulator-zalo-app-secret-not-a-secret',
  accessToken: 'simulator-zalo-access-token-not-a-secret',
  refreshToken: 'simulator-zalo-refresh-token-not-a-secret',
});

export const SIMULATED_MESSENGER = Object.freeze({
  /** A Graph app id is a number below 2^53; Meta writes it as a JSON number in echoes. */
  appId: '1517776481860111',
  appSecret: 'simulator-messenger-app-secret-not-a-secret',
  verifyToken: 'simulator-messenger-verify-token-not-a-secret',
  pageId: '104650162518471',
  pageAccessToken: 'simulator-messenger-page-access-token-not-a-secret',
});

export type SimulatedZaloCredentials = typeof SIMULATED_ZALO;
export type SimulatedMessengerCredentials = typeof SIMULATED_MESSENGER;
