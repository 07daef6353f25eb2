// The IPC sender check and argument validation (F24) with a stand-in electron module
// and the real monitor: only the top frame of our window on our page is answered; a
// foreign web contents, a subframe, a foreign origin or a gone frame gets
// MONITOR_ERR_UNAUTHORIZED; arguments that are not a plain object, or that the monitor
// refuses, come back with MONITOR_ERR_BAD_ARGUMENT. Nothing is thrown across IPC.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BrowserWindow } from 'electron';
import { IPC_RENDERER_READY, REQUEST_NAMES, ipcRequestChannel } from '../shared/contract';
import { ErrorCodes } from '../shared/errors';
import { createMonitor, type Monitor } from '../monitor/index';
import {
  FakeBrowserWindow,
  FakeWebContents,
  fake,
  ipcEvent,
  type FakeFrame,
} from './electron-stand-in';
import { setupIpc } from './ipc';
import { APP_INDEX_URL, isTrustedRendererUrl } from './paths';

vi.mock('electron', async () => (await import('./electron-stand-in')).electronModule());

let monitor: Monitor;
let window: FakeBrowserWindow;
let dispose: () => void;

const topFrame = (url: string): FakeFrame => ({ url, parent: null });
const ours = (): ReturnType<typeof ipcEvent> =>
  ipcEvent(window.webContents, topFrame(APP_INDEX_URL));
const invoke = (name: string, event: unknown, args?: unknown) =>
  fake.ipcMain.invoke(ipcRequestChannel(name as never), event, args);

beforeAll(() => {
  monitor = createMonitor({ recording: false });
  window = new FakeBrowserWindow({});
  dispose = setupIpc(monitor, window as unknown as BrowserWindow, (url) =>
    isTrustedRendererUrl(url, null),
  );
});

afterAll(async () => {
  dispose?.();
  await monitor?.dispose();
});

describe('IPC sender check', () => {
  it('registers one handler per request of the contract', () => {
    for (const name of REQUEST_NAMES) {
      expect(fake.ipcMain.handlers.has(ipcRequestChannel(name)), name).toBe(true);
    }
  });

  it('answers our own top frame on app://', async () => {
    expect(await invoke('listTargets', ours(), {})).toEqual({ ok: true, value: [] });
    // No argument at all counts as {}.
    expect(await invoke('listTargets', ours(), undefined)).toEqual({ ok: true, value: [] });
  });

  it.each([
    ['another web contents', () => ipcEvent(new FakeWebContents(), topFrame(APP_INDEX_URL))],
    [
      'a subframe of our page',
      () =>
        ipcEvent(window.webContents, {
          url: APP_INDEX_URL,
          parent: topFrame(APP_INDEX_URL),
        }),
    ],
    ['a foreign origin', () => ipcEvent(window.webContents, topFrame('https://evil.example/'))],
    [
      'a file:// page',
      () => ipcEvent(window.webContents, topFrame('file:///work/out/renderer/index.html')),
    ],
    ['another app:// host', () => ipcEvent(window.webContents, topFrame('app://evil/index.html'))],
    ['a frame that is gone', () => ipcEvent(window.webContents, null)],
  ])('refuses %s with MONITOR_ERR_UNAUTHORIZED', async (_what, event) => {
    const outcome = await invoke('listTargets', event(), {});
    expect(outcome).toMatchObject({ ok: false, error: { code: ErrorCodes.UNAUTHORIZED } });
  });

  it('refuses every request once our web contents is destroyed', async () => {
    dispose();
    const other = new FakeBrowserWindow({});
    const off = setupIpc(monitor, other as unknown as BrowserWindow, (u) =>
      isTrustedRendererUrl(u, null),
    );
    try {
      other.webContents.destroyed = true;
      const outcome = await invoke(
        'listTargets',
        ipcEvent(other.webContents, topFrame(APP_INDEX_URL)),
        {},
      );
      expect(outcome).toMatchObject({ ok: false, error: { code: ErrorCodes.UNAUTHORIZED } });
    } finally {
      off();
      dispose = setupIpc(monitor, window as unknown as BrowserWindow, (u) =>
        isTrustedRendererUrl(u, null),
      );
    }
  });
});

describe('IPC argument validation', () => {
  it.each([
    ['an array', [1, 2]],
    ['a string', 'listTargets'],
    ['a number', 42],
    ['null', null],
    ['an object with a prototype', new (class Sneaky {})()],
    ['a Date', new Date(0)],
  ])('refuses %s with MONITOR_ERR_BAD_ARGUMENT', async (_what, args) => {
    const outcome = await invoke('listTargets', ours(), args);
    expect(outcome).toMatchObject({ ok: false, error: { code: ErrorCodes.BAD_ARGUMENT } });
  });

  it('passes the monitor own refusal on with its stable code, never a throw', async () => {
    const outcomes = [
      await invoke('attach', ours(), { port: 'not a port' }),
      await invoke('listProcesses', ours(), { ports: [0, 70_000] }),
      await invoke('setSampleInterval', ours(), { targetId: 'x', intervalMs: -1 }),
    ];
    for (const o of outcomes) {
      expect(o).toMatchObject({
        ok: false,
        error: { code: ErrorCodes.BAD_ARGUMENT, message: expect.any(String) },
      });
    }
  });

  it('ignores a "renderer ready" from a foreign frame without throwing', () => {
    expect(() =>
      fake.ipcMain.send(
        IPC_RENDERER_READY,
        ipcEvent(new FakeWebContents(), topFrame('https://evil.example/')),
      ),
    ).not.toThrow();
  });

  it('removes every handler and listener on dispose', () => {
    dispose();
    expect(fake.ipcMain.handlers.size).toBe(0);
    expect(fake.ipcMain.listeners.get(IPC_RENDERER_READY)?.size ?? 0).toBe(0);
    dispose = () => undefined;
  });
});
