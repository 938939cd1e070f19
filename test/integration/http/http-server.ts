import { createServer, type Server } from 'node:http';
import type { Express } from 'express';

export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves an app on an ephemeral port. */
export async function serve(app: Express): Promise<RunningServer> {
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('not listening');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
