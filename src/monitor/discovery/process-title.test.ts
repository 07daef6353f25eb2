import { describe, expect, it } from 'vitest';
import {
  cleanTitleText,
  isGenericScriptName,
  packageNameOf,
  scriptOf,
  titleFromParts,
} from './process-title';

const t = (argv: string[], cwd: string | null = '/srv/app', packageName: string | null = null) =>
  titleFromParts({ argv, cwd, packageName });

describe('titleFromParts', () => {
  it('names a process by the package.json of its working directory', () => {
    expect(t(['node', 'server.js'], '/srv/shop', 'shop-api')).toBe('shop-api');
    expect(t(['node', '--enable-source-maps', 'dist/index.js'], '/srv/shop', 'shop-api')).toBe(
      'shop-api',
    );
    // A script with a name of its own keeps it, so two scripts of one project stay apart.
    expect(t(['node', 'scripts/seed-db.js'], '/srv/shop', 'shop-api')).toBe(
      'shop-api (seed-db.js)',
    );
  });

  it('a script outside the working directory is not named by that directory’s package', () => {
    expect(t(['node', '/opt/tools/reindex.js'], '/home/dev', 'dotfiles')).toBe('reindex.js');
  });

  it('else by its script’s basename', () => {
    expect(t(['node', 'worker-queue.js'], '/tmp/x')).toBe('worker-queue.js');
    expect(t(['/usr/bin/node', '--import', './loader.mjs', '/srv/a/report-job.mjs'])).toBe(
      'report-job.mjs',
    );
  });

  it('a generic script name gets the nearest folder that is not generic', () => {
    expect(t(['node', 'billing/index.js'], '/srv')).toBe('billing (index.js)');
    expect(t(['node', '/srv/chat/dist/server.js'])).toBe('chat (server.js)');
    expect(t(['node', 'main.ts'], '/work/inventory')).toBe('inventory (main.ts)');
    // Nothing telling within reach: the basename alone.
    expect(t(['node', '/lib/bin/index.js'], null)).toBe('index.js');
  });

  it('a script inside node_modules is named by its package (json-server started by path)', () => {
    expect(t(['node', 'node_modules/json-server/lib/bin.js', '--watch', 'db.json'])).toBe(
      'json-server (bin.js)',
    );
    // Even when the working directory has a package.json of its own.
    expect(t(['node', 'node_modules/json-server/lib/bin.js'], '/srv/app', 'my-app')).toBe(
      'json-server (bin.js)',
    );
    expect(t(['node', '/srv/app/node_modules/.bin/vite'], '/srv/app', 'my-app')).toBe('vite');
    expect(t(['node', '/r/node_modules/@scope/tool/dist/cli.mjs'])).toBe('@scope/tool (cli.mjs)');
  });

  it('without a script (REPL, -e) the package or the executable', () => {
    expect(t(['node'], '/srv/app', 'my-app')).toBe('my-app');
    expect(t(['node', '-e', 'setInterval(() => {}, 1000)'], null)).toBe('node');
    expect(t(['/usr/local/bin/node', '--inspect', '-p', '1'], null)).toBe('node');
  });

  it('hostile names lose control characters and are capped', () => {
    // The escape goes, so a terminal or a log shows the rest as plain text.
    expect(cleanTitleText('\u001b[31mred\u202e\n')).toBe('[31mred');
    expect(t(['node', `/x/${'n'.repeat(300)}.js`]).length).toBeLessThanOrEqual(80);
  });
});

describe('parts', () => {
  it('scriptOf skips node options and their values', () => {
    expect(scriptOf(['node', '--import', 'tsx', '--inspect=0', 'app.ts', '--port', '1'])).toBe(
      'app.ts',
    );
    expect(scriptOf(['node', '--', 'app.js'])).toBe('app.js');
    expect(scriptOf(['node', '--eval', 'x'])).toBeNull();
    expect(scriptOf(['node'])).toBeNull();
  });

  it('isGenericScriptName knows the usual entry points in any JS or TS flavour', () => {
    for (const n of [
      'index.js',
      'main.mjs',
      'bin.js',
      'cli.cjs',
      'server.ts',
      'app.js',
      'start.js',
    ])
      expect(isGenericScriptName(n), n).toBe(true);
    expect(isGenericScriptName('orders.js')).toBe(false);
  });

  it('packageNameOf takes a string name only, from a JSON object', () => {
    expect(packageNameOf('{"name":"shop","version":"1.0.0"}')).toBe('shop');
    expect(packageNameOf('{"name":42}')).toBeNull();
    expect(packageNameOf('["name"]')).toBeNull();
    expect(packageNameOf('{"name":"   "}')).toBeNull();
    expect(packageNameOf('not json')).toBeNull();
    expect(packageNameOf(`{"name":"${'z'.repeat(500)}"}`)!.length).toBe(80);
  });
});
