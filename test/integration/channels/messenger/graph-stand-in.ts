import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A status with a JSON (or raw string) body. */
export interface GraphAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** What the stand-in answers next: an answer, or never. */
export type GraphReply = GraphAnswer | 'hang';

/** Graph's error envelope, as the real API sends it (messenger.md §4.2). */
export function graphError(status: number, code: number, message: string, subcode?: number): GraphAnswer {
  return {
    status,
    body: { error: { message, type: 'OAuthException', code, ...(subcode === undefined ? {} : { error_subcode: subcode }), fbtrace_id: 'A1b2C3d4E5f' } },
  };
}

/**
 * A local stand-in for graph.facebook.com on 127.0.0.1, port 0. It records every request and
 * answers queued replies in order; once they run out, the Send API succeeds with a fresh mid.
 */
export class GraphStandIn {
  readonly requests: RecordedRequest[] = [];
  readonly #replies: GraphReply[] = [];
  readonly #server: Server;
  #sent = 0;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<GraphStandIn> {
    const server = createServer();
    const standIn = new GraphStandIn(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        standIn.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        const reply = standIn.#replies.shift() ?? standIn.#success(body);
        if (reply === 'hang') return;
        const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
        res.writeHead(reply.status, { 'content-type': 'application/json; charset=UTF-8', ...reply.headers });
        res.end(text);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return standIn;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  reply(...replies: GraphReply[]): void {
    this.#replies.push(...replies);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #success(body: string): GraphReply {
    this.#sent += 1;
    const recipientId = body ? ((JSON.parse(body) as { recipient?: { id?: string } }).recipient?.id ?? '') : '';
    return { status: 200, body: { recipient_id: recipientId, message_id: `m_out_${this.#sent}` } };
  }
}

/** A base URL where nothing listens: a port that was just freed. */
export async function refusedBaseUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
