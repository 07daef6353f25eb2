import { describe, expect, it } from 'vitest';
import { commandCharsFor, shortenCommand } from './command-line';

const TSX =
  '/usr/local/bin/node --import file:///home/dev/projects/shop/node_modules/tsx/dist/loader.mjs ' +
  '--enable-source-maps /home/dev/projects/shop/src/order-service.ts --port 4100';
const JSON_SERVER = 'node node_modules/json-server/lib/bin.js --watch db.json --port 3000';

describe('shortenCommand', () => {
  it('leaves a command that fits alone', () => {
    expect(shortenCommand('node server.js', 40)).toBe('node server.js');
    expect(shortenCommand('node   server.js\n', 40)).toBe('node server.js');
  });

  it('cuts the middle: the executable and the script with its arguments stay visible', () => {
    // The old end cut showed `/usr/local/bin/node --import file:///home/dev/proj…`.
    expect(shortenCommand(TSX, 80)).toBe(
      '/usr/local/bin/node … /home/dev/projects/shop/src/order-service.ts --port 4100',
    );
    // A long executable path gives way to its name.
    expect(shortenCommand(TSX, 50)).toBe('node …/shop/src/order-service.ts --port 4100');
    expect(shortenCommand(TSX, 40)).toBe('node …/src/order-service.ts --port 4100');
  });

  it('gives up the script’s folders first, then the end of its arguments, the name last', () => {
    expect(shortenCommand(JSON_SERVER, 60)).toBe(
      'node …/json-server/lib/bin.js --watch db.json --port 3000',
    );
    expect(shortenCommand(JSON_SERVER, 50)).toBe('node …/lib/bin.js --watch db.json --port 3000');
    expect(shortenCommand(JSON_SERVER, 40)).toBe('node …/bin.js --watch db.json --port 30…');
    expect(shortenCommand(JSON_SERVER, 20)).toBe('node …/bin.js --wat…');
    expect(shortenCommand(TSX, 24)).toBe('node …/order-service.ts');
  });

  it('keeps a short executable path whole, and the options are what goes', () => {
    expect(
      shortenCommand(
        '/usr/bin/node --max-old-space-size=4096 --require ./telemetry/register.js dist/main.js serve',
        48,
      ),
    ).toBe('/usr/bin/node … dist/main.js serve');
  });

  it('without a script (node -e, one long word) it keeps the end', () => {
    expect(shortenCommand(`node -e ${'x'.repeat(60)} finish`, 30)).toBe(
      `node …${'x'.repeat(17)} finish`,
    );
    expect(shortenCommand('/opt/very/long/path/to/some/daemon-binary', 16)).toBe(
      '…e/daemon-binary',
    );
  });

  it('never returns more than it was given room for, and always says it cut', () => {
    for (const max of [4, 8, 12, 20, 33, 60, 100]) {
      for (const cmd of [
        TSX,
        JSON_SERVER,
        'x'.repeat(300),
        `node ${'y'.repeat(200)}`,
        `${'z'.repeat(90)} a`,
      ]) {
        const s = shortenCommand(cmd, max);
        expect(s.length, `${max} ${cmd.slice(0, 10)}`).toBeLessThanOrEqual(max);
        if (cmd.length > max) expect(s).toContain('…');
      }
    }
  });

  it('hostile text stays text (no markup is built here)', () => {
    const s = shortenCommand(`node --require <img/src=x> ${'a'.repeat(80)}/evil.js`, 30);
    expect(s.endsWith('/evil.js')).toBe(true);
  });
});

describe('commandCharsFor', () => {
  it('fits the 12 px monospace font to the width, with a default before layout', () => {
    expect(commandCharsFor(0)).toBe(60);
    expect(commandCharsFor(300)).toBe(40);
    expect(commandCharsFor(30)).toBe(12);
  });
});
