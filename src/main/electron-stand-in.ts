// A stand-in for the `electron` module in the src/main unit tests (vitest's
// vi.mock('electron', ...)), where no Electron binary exists. Only the surface src/main
// uses, recording what the code under test registers so a test can drive it: the
// permission handlers, the app:// handler, ipcMain handlers, web contents events. The
// code under test is always the real src/main code.
import { EventEmitter } from 'node:events';

type Listener = (...args: never[]) => unknown;

/** An Electron-style event: preventDefault() is recorded. */
export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export class FakeWebContents extends EventEmitter {
  destroyed = false;
  readonly sent: Array<{ channel: string; payload: unknown }> = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
}

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

/** The event ipcMain handlers get: who sent it, from which frame. */
export function ipcEvent(sender: FakeWebContents, frame: FakeFrame | null) {
  return { sender, senderFrame: frame };
}

class FakeIpcMain {
  readonly handlers = new Map<string, Listener>();
  readonly listeners = new Map<string, Set<Listener>>();
  handle(channel: string, handler: Listener): void {
    // Electron refuses a second handler for one channel.
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  on(channel: string, listener: Listener): this {
    if (!this.listeners.has(channel)) this.listeners.set(channel, new Set());
    this.listeners.get(channel)!.add(listener);
    return this;
  }
  off(channel: string, listener: Listener): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }
  /** What ipcRenderer.invoke(channel, args) from `event`'s frame would get back. */
  async invoke(channel: string, event: unknown, args: unknown): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return (handler as (e: unknown, a: unknown) => unknown)(event, args);
  }
  /** ipcRenderer.send(channel) from `event`'s frame. */
  send(channel: string, event: unknown): void {
    for (const l of this.listeners.get(channel) ?? []) (l as (e: unknown) => void)(event);
  }
}

type PermissionRequestHandler = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: unknown,
) => void;
type PermissionCheckHandler = (
  contents: unknown,
  permission: string,
  origin: string,
  details: unknown,
) => boolean;
type HeadersReceived = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (r: { responseHeaders?: Record<string, string[]> }) => void,
) => void;

class FakeSession {
  permissionRequestHandler: PermissionRequestHandler | null = null;
  permissionCheckHandler: PermissionCheckHandler | null = null;
  headersReceived: HeadersReceived | null = null;
  readonly webRequest = {
    onHeadersReceived: (listener: HeadersReceived): void => {
      this.headersReceived = listener;
    },
  };
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    this.permissionCheckHandler = handler;
  }
}

class FakeProtocol {
  readonly privileged: Array<{ scheme: string; privileges?: Record<string, boolean> }> = [];
  readonly handlers = new Map<string, (request: Request) => Response | Promise<Response>>();
  registerSchemesAsPrivileged(
    schemes: Array<{ scheme: string; privileges?: Record<string, boolean> }>,
  ): void {
    this.privileged.push(...schemes);
  }
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
    if (this.handlers.has(scheme)) throw new Error(`${scheme} is already handled`);
    this.handlers.set(scheme, handler);
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  sandboxEnabled = false;
  enableSandbox(): void {
    this.sandboxEnabled = true;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static readonly created: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  readonly loaded: string[] = [];
  constructor(readonly options: Record<string, unknown> & { webPreferences?: object }) {
    super();
    FakeBrowserWindow.created.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    return Promise.resolve();
  }
  loadFile(file: string): Promise<void> {
    this.loaded.push(`loadFile:${file}`);
    return Promise.resolve();
  }
  show(): void {}
}

/** One stand-in per test file (vitest isolates module state per file). */
export const fake = {
  app: new FakeApp(),
  ipcMain: new FakeIpcMain(),
  protocol: new FakeProtocol(),
  session: { defaultSession: new FakeSession() },
  BrowserWindow: FakeBrowserWindow,
};

/** The module object vi.mock('electron', ...) returns. */
export function electronModule(): Record<string, unknown> {
  return { ...fake, default: fake };
}
