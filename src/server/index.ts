// The browser shell: the built renderer and a WebSocket bridge on 127.0.0.1 only,
// behind a random token, with Host and Origin checked on every request (F25). It
// owns its sockets and its server, nothing the monitor owns.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { MonitorApi } from '../shared/contract';
import { rendererCspWithConnect } from '../shared/csp';
import { ErrorCodes, MonitorError } from '../shared/errors';
import { allowedHosts, checkRequest, createToken, tokenCookie } from './auth';
import { Bridge, DEFAULT_BRIDGE_LIMITS, type BridgeLimits } from './bridge';
import { serveStatic } from './static-files';

export const BIND_HOST = '127.0.0.1';
export const BRIDGE_PATH = '/bridge';
const MAX_FRAME_BYTES = 1024 * 1024;

export interface ServerOptions {
  monitor: MonitorApi;
  /** 0 (the default) picks a free port. */
  port?: number;
  rendererDir: string;
  bridgeLimits?: BridgeLimits;
}

export interface RunningServer {
  /** http://127.0.0.1:PORT/?token=… */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function securityHeaders(res: ServerResponse, port: number): void {
  const wsOrigins = allowedHosts(port).map((h) => `ws://${h}`);
  res.setHeader('Content-Security-Policy', rendererCspWithConnect(wsOrigins));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(message + '\n');
}

/**
 * A browser that opens the shell without its token gets a page that says what to do,
 * with an icon of its own: a plain-text answer makes the browser fetch /favicon.ico
 * after it, a second failed load (and a console error) for one refused page.
 */
function refuseUnauthorized(req: IncomingMessage, res: ServerResponse, reason: string): void {
  if (!(req.headers.accept ?? '').includes('text/html'))
    return refuse(res, 401, `Refused: ${reason}.`);
  res.statusCode = 401;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">' +
      '<title>resdash: token required</title></head><body>' +
      '<p>This address needs the token that <code>resdash serve</code> (or <code>npm start</code>) ' +
      'printed: open the whole URL, <code>http://127.0.0.1:PORT/?token=…</code>.</p></body></html>\n',
  );
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function requestUrl(req: IncomingMessage): URL | null {
  try {
    // The base is fixed: the Host header is checked separately and never trusted here.
    return new URL(req.url ?? '/', `http://${BIND_HOST}`);
  } catch {
    return null;
  }
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const token = createToken();
  const bridge = new Bridge(options.monitor, options.bridgeLimits ?? DEFAULT_BRIDGE_LIMITS);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  let port = 0;

  const server = createServer((req, res) => {
    securityHeaders(res, port);
    const url = requestUrl(req);
    if (url === null) return refuse(res, 400, 'Bad request.');
    const verdict = checkRequest(req, url, port, token);
    if (!verdict.ok) {
      return verdict.status === 401
        ? refuseUnauthorized(req, res, verdict.reason)
        : refuse(res, verdict.status, `Refused: ${verdict.reason}.`);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return refuse(res, 405, 'Method not allowed.');
    }
    if (url.pathname === BRIDGE_PATH) return refuse(res, 426, 'Upgrade to WebSocket required.');
    if (verdict.via === 'query') res.setHeader('Set-Cookie', tokenCookie(token));
    serveStatic(options.rendererDir, url.pathname, res, req.method === 'HEAD').then(
      (result) => {
        if (result === 'forbidden') refuse(res, 403, 'Forbidden path.');
        else if (result === 'not-found') refuse(res, 404, 'Not found.');
      },
      () => {
        if (!res.headersSent) refuse(res, 500, 'Internal error.');
        else res.destroy();
      },
    );
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = requestUrl(req);
    if (url === null || url.pathname !== BRIDGE_PATH)
      return refuseUpgrade(socket, 404, 'Not Found');
    const verdict = checkRequest(req, url, port, token);
    if (!verdict.ok) {
      return refuseUpgrade(
        socket,
        verdict.status,
        verdict.status === 401 ? 'Unauthorized' : 'Forbidden',
      );
    }
    wss.handleUpgrade(req, socket, head, (ws) => bridge.add(ws));
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(
        new MonitorError(
          err.code === 'EADDRINUSE' ? ErrorCodes.PORT_TAKEN : ErrorCodes.INTERNAL,
          err.code === 'EADDRINUSE'
            ? `Port ${options.port ?? 0} on ${BIND_HOST} is already in use.`
            : `The browser shell could not listen: ${err.message}.`,
          { cause: err },
        ),
      );
    };
    server.once('error', onError);
    server.listen(options.port ?? 0, BIND_HOST, () => {
      server.off('error', onError);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${BIND_HOST}:${port}/?token=${token}`,
    port,
    token,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        bridge.close();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
