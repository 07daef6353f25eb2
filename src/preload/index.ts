// The preload runs sandboxed and exposes verbs only: one function per request of the
// contract plus on(event, cb). ipcRenderer itself never reaches the page. A failed
// request rejects with a plain {name, code, message} object: contextBridge drops the
// custom properties of Error instances, and the code must survive
// (isSerializedError() is true for it).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  EVENT_NAMES,
  IPC_RENDERER_READY,
  REQUEST_NAMES,
  ipcEventChannel,
  ipcRequestChannel,
  type EventName,
  type Events,
  type MonitorApi,
  type Outcome,
  type RequestName,
} from '../shared/contract';

let readySent = false;
function sendReady(): void {
  if (readySent) return;
  readySent = true;
  ipcRenderer.send(IPC_RENDERER_READY);
}

function request(name: RequestName) {
  return async (args?: unknown): Promise<unknown> => {
    const outcome = (await ipcRenderer.invoke(
      ipcRequestChannel(name),
      args ?? {},
    )) as Outcome<unknown>;
    if (outcome.ok) return outcome.value;
    throw { name: 'MonitorError', code: outcome.error.code, message: outcome.error.message };
  };
}

function on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
  if (!(EVENT_NAMES as readonly string[]).includes(event) || typeof listener !== 'function') {
    throw new TypeError(`Unknown monitor event ${String(event)}.`);
  }
  const channel = ipcEventChannel(event);
  const wrapped = (_e: IpcRendererEvent, payload: Events[E]): void => listener(payload);
  ipcRenderer.on(channel, wrapped);
  // The first subscriptions mean the page can take events now.
  queueMicrotask(sendReady);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
}

const api = Object.fromEntries([
  ...REQUEST_NAMES.map((name) => [name, request(name)] as const),
  ['on', on] as const,
]) as unknown as MonitorApi;

contextBridge.exposeInMainWorld('monitor', api);

// A page that never subscribes still says it is ready once it has loaded.
const page = globalThis as unknown as {
  addEventListener?: (type: string, cb: () => void, options?: { once: boolean }) => void;
};
page.addEventListener?.('load', sendReady, { once: true });
