// The only module that touches ipcMain. Every request channel of the contract gets a
// handler that checks the sender, validates the arguments and answers with an
// Outcome (nothing is thrown across IPC). Events are pushed only after the renderer
// says it is ready, queued (bounded) until then and again after a reload (F26, F27).
import { ipcMain, type BrowserWindow, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron';
import {
  EVENT_NAMES,
  IPC_RENDERER_READY,
  REQUEST_NAMES,
  ipcEventChannel,
  ipcRequestChannel,
  type EventName,
  type MonitorApi,
  type Outcome,
} from '../shared/contract';
import { ErrorCodes, serializeError } from '../shared/errors';

/** Events kept while the renderer is not ready; older sample batches go first. */
export const MAX_QUEUED_EVENTS = 200;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

export function setupIpc(
  monitor: MonitorApi,
  window: BrowserWindow,
  isTrustedUrl: (url: string) => boolean,
): () => void {
  const contents = window.webContents;
  let ready = false;
  let queue: Array<{ event: EventName; payload: unknown }> = [];

  const trusted = (event: IpcMainInvokeEvent | IpcMainEvent): boolean => {
    if (contents.isDestroyed() || event.sender !== contents) return false;
    const frame = event.senderFrame;
    return frame !== null && frame.parent === null && isTrustedUrl(frame.url);
  };

  for (const name of REQUEST_NAMES) {
    ipcMain.handle(
      ipcRequestChannel(name),
      async (event, args: unknown): Promise<Outcome<unknown>> => {
        if (!trusted(event)) {
          return {
            ok: false,
            error: {
              code: ErrorCodes.UNAUTHORIZED,
              message: 'The request came from an untrusted frame.',
            },
          };
        }
        const plain = args === undefined ? {} : args;
        if (!isPlainObject(plain)) {
          return {
            ok: false,
            error: {
              code: ErrorCodes.BAD_ARGUMENT,
              message: `${name} expects an object argument.`,
            },
          };
        }
        try {
          const call = monitor[name] as (a: unknown) => Promise<unknown>;
          const value = await call.call(monitor, plain);
          return { ok: true, value: value ?? null };
        } catch (err) {
          return { ok: false, error: serializeError(err) };
        }
      },
    );
  }

  const send = (event: EventName, payload: unknown): void => {
    if (!contents.isDestroyed()) contents.send(ipcEventChannel(event), payload);
  };

  const push = (event: EventName, payload: unknown): void => {
    if (ready) return send(event, payload);
    // Only the latest target list matters; sample batches are trimmed oldest first.
    if (event === 'targets') queue = queue.filter((q) => q.event !== 'targets');
    queue.push({ event, payload });
    if (queue.length > MAX_QUEUED_EVENTS) {
      const firstSamples = queue.findIndex((q) => q.event === 'samples');
      queue.splice(firstSamples >= 0 ? firstSamples : 0, 1);
    }
  };

  const onReady = (event: IpcMainEvent): void => {
    if (!trusted(event)) return;
    ready = true;
    const pending = queue;
    queue = [];
    for (const q of pending) send(q.event, q.payload);
  };
  ipcMain.on(IPC_RENDERER_READY, onReady);

  // A reload or a crashed renderer has no listeners until it says ready again.
  const notReady = (): void => {
    ready = false;
  };
  contents.on('did-start-loading', notReady);
  contents.on('render-process-gone', notReady);

  const unsubscribe = EVENT_NAMES.map((event) =>
    monitor.on(event, (payload: unknown) => push(event, payload)),
  );

  return () => {
    for (const u of unsubscribe) u();
    for (const name of REQUEST_NAMES) ipcMain.removeHandler(ipcRequestChannel(name));
    ipcMain.off(IPC_RENDERER_READY, onReady);
    if (!contents.isDestroyed()) {
      contents.off('did-start-loading', notReady);
      contents.off('render-process-gone', notReady);
    }
    queue = [];
  };
}
