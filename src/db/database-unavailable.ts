/**
 * True when an error says the database is away (refusing connections, shutting down, a session cut
 * or never opened) rather than that the statement was wrong: worth waiting out, not giving up on.
 */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);
// Class 08 (connection exception) and 57P01–57P03 (admin / crash shutdown, cannot connect now).
const SQLSTATE = /^(08\d{3}|57P0[123])$/;

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || SQLSTATE.test(code))) return true;
  return /connection terminated|timeout exceeded when trying to connect|the database system is (starting up|shutting down)|Client has encountered a connection error/i.test(error.message);
}
