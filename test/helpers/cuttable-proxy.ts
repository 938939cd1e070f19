import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a server (the tests' shared PostgreSQL) that a test can cut and restore:
 * `cut` closes the listening port and resets every open connection, as a server that stops does
 * (the clients see ECONNRESET, then ECONNREFUSED); `restore` listens on the same port again. The
 * shared server itself is never touched.
 *
 * An instant cut also drops the answer of a statement the server has just committed, as a network
 * partition does: the client cannot tell it committed (claims survive it by their claim tokens,
 * RELIABILITY.md "Faults"). `answersFirstMs` models a database that stops instead: nothing more
 * reaches it, the answers of what it was doing come back for that long, then every connection is reset.
 */
export interface CutOptions {
  readonly answersFirstMs?: number;
}

export interface CuttableProxy {
  readonly port: number;
  cut(options?: CutOptions): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startCuttableProxy(target: { host: string; port: number }): Promise<CuttableProxy> {
  const sockets = new Set<Socket>();
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  };
  let server: Server | undefined;
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = connect(target.port, target.host);
        track(client);
        track(upstream);
        client.pipe(upstream);
        upstream.pipe(client);
        const pair = { client, upstream };
        pairs.add(pair);
        client.once('close', () => pairs.delete(pair));
        client.once('close', () => upstream.destroy());
        upstream.once('close', () => client.destroy());
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        server = s;
        const address = s.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  const closeServer = () =>
    new Promise<void>((resolve) => {
      const s = server;
      server = undefined;
      if (!s) return resolve();
      s.close(() => resolve());
      // A socket already ending (its peer hung up, and pipe() ended it) is destroyed, not reset:
      // node 20 never finishes closing a socket reset while its shutdown is pending, and the
      // process then spins at exit instead of exiting (seen after a client's QUIT).
      for (const socket of sockets) {
        if (socket.writableEnded) socket.destroy();
        else socket.resetAndDestroy();
      }
    });
  const port = await listen(0);
  return {
    port,
    async cut(options = {}) {
      if (options.answersFirstMs && options.answersFirstMs > 0) {
        server?.close();
        for (const { client, upstream } of pairs) client.unpipe(upstream);
        await new Promise((resolve) => setTimeout(resolve, options.answersFirstMs));
      }
      await closeServer();
    },
    async restore() {
      if (!server) await listen(port);
    },
    close: closeServer,
  };
}
