import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback proxy between a replica and the gateway that misbehaves on demand (SYNC.md, chaos and
 * lost-ack): it can delay a request, reset the connection before forwarding, truncate the answer, or
 * drop the answer after the gateway has committed.
 */
export type Fault = 'pass' | 'delay' | 'reset' | 'truncate' | 'drop-response';
export type Chooser = (req: { method: string; path: string }) => Fault;

export type Proxy = {
  url: string;
  setChooser: (c: Chooser) => void;
  counts: Record<Fault, number>;
  close: () => Promise<void>;
};

export async function startProxy(target: string, chooser: Chooser = () => 'pass'): Promise<Proxy> {
  const t = new URL(target);
  let choose = chooser;
  const counts: Record<Fault, number> = { pass: 0, delay: 0, reset: 0, truncate: 0, 'drop-response': 0 };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const fault = choose({ method: req.method ?? 'GET', path: req.url ?? '/' });
    counts[fault]++;
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    const forward = () => {
      const up = request(
        { host: t.hostname, port: t.port, path: req.url, method: req.method, headers: req.headers },
        (upRes) => {
          const chunks: Buffer[] = [];
          upRes.on('data', (c: Buffer) => chunks.push(c));
          upRes.on('end', () => {
            const body = Buffer.concat(chunks);
            if (fault === 'drop-response') {
              // The gateway has done the work; the replica never hears of it.
              res.socket?.destroy();
              return;
            }
            const headers = { ...upRes.headers };
            if (fault === 'truncate') {
              res.writeHead(upRes.statusCode ?? 502, headers);
              res.write(body.subarray(0, Math.floor(body.length / 2)));
              res.socket?.destroy();
              return;
            }
            res.writeHead(upRes.statusCode ?? 502, headers);
            res.end(body);
          });
        },
      );
      up.on('error', () => res.socket?.destroy());
      req.pipe(up);
    };
    if (fault === 'delay') setTimeout(forward, 50 + Math.floor(Math.random() * 400));
    else forward();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setChooser: (c) => {
      choose = c;
    },
    counts,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
