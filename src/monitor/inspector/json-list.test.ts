import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../shared/errors';
import {
  buildWebSocketUrl,
  fetchInspectorTargets,
  isValidTargetId,
  parseInspectorList,
} from './json-list';

const ID = 'e0437f67-8599-4802-8079-16df45cabfea';

function entry(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    description: 'node.js instance',
    devtoolsFrontendUrl: 'devtools://x',
    faviconUrl: 'https://nodejs.org/static/images/favicons/favicon.ico',
    id: ID,
    title: 'app.js',
    type: 'node',
    url: 'file:///srv/app.js',
    webSocketDebuggerUrl: `ws://127.0.0.1:9229/${ID}`,
    ...over,
  };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return (err as { code: string }).code;
  }
}

describe('parseInspectorList', () => {
  it('accepts a Node inspector list', () => {
    expect(parseInspectorList(JSON.stringify([entry()]), 9229)).toEqual([
      {
        id: ID,
        type: 'node',
        title: 'app.js',
        url: 'file:///srv/app.js',
        port: 9229,
        host: '127.0.0.1',
        webSocketUrl: `ws://127.0.0.1:9229/${ID}`,
        reportedWebSocketUrl: `ws://127.0.0.1:9229/${ID}`,
      },
    ]);
  });

  it('never uses the host or port the target reports (F3)', () => {
    const [t] = parseInspectorList(
      JSON.stringify([entry({ webSocketDebuggerUrl: `ws://evil.example:1/${ID}` })]),
      9330,
    );
    expect(t!.webSocketUrl).toBe(`ws://127.0.0.1:9330/${ID}`);
    expect(t!.reportedWebSocketUrl).toBe(`ws://evil.example:1/${ID}`);
  });

  it.each([
    ['HTML', '<!doctype html><html><body>dev server</body></html>'],
    ['an object', '{"targets":[]}'],
    ['an empty list', '[]'],
    ['a page target', JSON.stringify([entry({ type: 'page' })])],
    ['an id that could inject a path', JSON.stringify([entry({ id: '../../json/close' })])],
    ['an id with a query', JSON.stringify([entry({ id: 'abc?x=1' })])],
    ['no webSocketDebuggerUrl', JSON.stringify([entry({ webSocketDebuggerUrl: undefined })])],
    ['numbers', '[1,2,3]'],
  ])('rejects %s as NOT_INSPECTOR (F2)', (_name, body) => {
    expect(codeOf(() => parseInspectorList(body, 9229))).toBe(ErrorCodes.NOT_INSPECTOR);
  });

  it('skips bad entries but keeps good ones, and caps long strings', () => {
    const list = parseInspectorList(
      JSON.stringify([null, entry({ id: 'x/y' }), entry({ title: 'a'.repeat(10_000) })]),
      1,
    );
    expect(list).toHaveLength(1);
    expect(list[0]!.title.length).toBe(4096);
  });
});

describe('ids and urls', () => {
  it('validates ids and brackets IPv6 hosts', () => {
    expect(isValidTargetId(ID)).toBe(true);
    expect(isValidTargetId('')).toBe(false);
    expect(isValidTargetId('-abc')).toBe(false);
    expect(isValidTargetId('a b')).toBe(false);
    expect(buildWebSocketUrl('::1', 9229, ID)).toBe(`ws://[::1]:9229/${ID}`);
  });

  it('refuses an invalid port before any I/O', async () => {
    await expect(fetchInspectorTargets(0)).rejects.toMatchObject({ code: ErrorCodes.BAD_ARGUMENT });
    await expect(fetchInspectorTargets(70_000)).rejects.toMatchObject({
      code: ErrorCodes.BAD_ARGUMENT,
    });
  });
});
