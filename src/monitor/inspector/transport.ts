import { WebSocket } from 'undici';
import { ErrorCodes, MonitorError } from '../../shared/errors';

/** The seam between the CDP client and the wire; tests use a fake. */
export interface Transport {
  send(message: string): void;
  close(): void;
  onmessage?: (message: string) => void;
  onclose?: (reason: string) => void;
}

const MAX_FRAME_CHARS = 256 * 1024 * 1024;

/** Opens ws://… with undici's WebSocket (Node 20 has no global one). */
export function connectWebSocket(url: string, timeoutMs = 5_000): Promise<Transport> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let opened = false;
    const timer = setTimeout(() => {
      ws.close();
      reject(
        new MonitorError(
          ErrorCodes.TIMEOUT,
          `Timed out after ${timeoutMs} ms connecting to ${url}.`,
        ),
      );
    }, timeoutMs);
    const transport: Transport = {
      send: (message) => ws.send(message),
      close: () => ws.close(),
    };
    ws.onopen = () => {
      opened = true;
      clearTimeout(timer);
      resolve(transport);
    };
    ws.onerror = () => {
      if (!opened) {
        clearTimeout(timer);
        reject(
          new MonitorError(
            ErrorCodes.CONNECT_REFUSED,
            `Could not open the inspector WebSocket at ${url}.`,
          ),
        );
      }
    };
    ws.onclose = (ev) => {
      clearTimeout(timer);
      if (!opened) {
        reject(
          new MonitorError(
            ErrorCodes.CONNECT_REFUSED,
            `The inspector at ${url} closed the connection.`,
          ),
        );
        return;
      }
      transport.onclose?.(ev.reason || `socket closed (code ${ev.code})`);
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string' || ev.data.length > MAX_FRAME_CHARS) return; // F9: ignore what we cannot use
      transport.onmessage?.(ev.data);
    };
  });
}
