// The Electron fuses of the packaged app (electron-builder.config.ts): each one as it
// must be; flipped by electron-builder's own fuse code onto a fuse wire (a stand-in
// file with Electron's sentinel, every fuse first set the other way) and read back
// with @electron/fuses; and, where `npm run package` has made a binary, read back
// from that binary.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FuseV1Options, flipFuses, getCurrentFuseWire, type FuseConfig } from '@electron/fuses';
import { FuseState, SENTINEL } from '@electron/fuses/dist/constants';
import { LinuxPackager } from 'electron-builder';
import { describe, expect, it } from 'vitest';
import config, { ELECTRON_FUSES } from '../../electron-builder.config';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Every fuse of the wire, as the packaged binary must have it. */
const EXPECTED: Record<FuseV1Options, boolean> = {
  // On for the analysis child and the demo target (see electron-builder.config.ts).
  [FuseV1Options.RunAsNode]: true,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

/** electron-builder's electronFuses keys -> the wire (its generateFuseConfig). */
const WIRE_INDEX: Record<keyof typeof ELECTRON_FUSES, FuseV1Options> = {
  runAsNode: FuseV1Options.RunAsNode,
  enableCookieEncryption: FuseV1Options.EnableCookieEncryption,
  enableNodeOptionsEnvironmentVariable: FuseV1Options.EnableNodeOptionsEnvironmentVariable,
  enableNodeCliInspectArguments: FuseV1Options.EnableNodeCliInspectArguments,
  enableEmbeddedAsarIntegrityValidation: FuseV1Options.EnableEmbeddedAsarIntegrityValidation,
  onlyLoadAppFromAsar: FuseV1Options.OnlyLoadAppFromAsar,
  loadBrowserProcessSpecificV8Snapshot: FuseV1Options.LoadBrowserProcessSpecificV8Snapshot,
  grantFileProtocolExtraPrivileges: FuseV1Options.GrantFileProtocolExtraPrivileges,
};

const name = (f: FuseV1Options): string => FuseV1Options[f];

describe('Electron fuses in the packaging config', () => {
  it('sets every fuse of the wire, each as expected', () => {
    expect(config.electronFuses).toBe(ELECTRON_FUSES);
    const wire = Object.entries(ELECTRON_FUSES).map(
      ([key, on]) => [WIRE_INDEX[key as keyof typeof ELECTRON_FUSES], on] as const,
    );
    const fuses = Object.values(FuseV1Options).filter(
      (v): v is FuseV1Options => typeof v === 'number',
    );
    // None missing: a fuse Electron adds later is a decision, not a default.
    expect(wire.map(([f]) => name(f)).sort()).toEqual(fuses.map(name).sort());
    for (const [fuse, on] of wire) expect(on, name(fuse)).toBe(EXPECTED[fuse]);
  });

  it('turns off what lets a local user inject code into the app', () => {
    expect(ELECTRON_FUSES.enableNodeOptionsEnvironmentVariable).toBe(false);
    expect(ELECTRON_FUSES.enableNodeCliInspectArguments).toBe(false);
    expect(ELECTRON_FUSES.onlyLoadAppFromAsar).toBe(true);
    expect(ELECTRON_FUSES.enableEmbeddedAsarIntegrityValidation).toBe(true);
    expect(ELECTRON_FUSES.enableCookieEncryption).toBe(true);
    expect(config.asar).toBe(true);
  });
});

describe('Electron fuses as electron-builder flips them', () => {
  it('gives the wire every expected fuse', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'resdash-fuses-'));
    try {
      // Electron's layout: sentinel, wire version 1, wire length, one byte per fuse.
      const count = Object.keys(EXPECTED).length;
      const opposite = Object.values(EXPECTED).map((on) =>
        on ? FuseState.DISABLE : FuseState.ENABLE,
      );
      const binary = path.join(dir, 'electron');
      await writeFile(
        binary,
        Buffer.concat([
          Buffer.from('\x7fELF padding '),
          Buffer.from(SENTINEL),
          Buffer.from([1, count, ...opposite]),
          Buffer.from(' more padding'),
        ]),
      );
      // electron-builder's own mapping of `electronFuses` (what `npm run package` runs).
      const generate = (
        LinuxPackager.prototype as unknown as {
          generateFuseConfig(f: typeof ELECTRON_FUSES): Promise<FuseConfig>;
        }
      ).generateFuseConfig;
      await flipFuses(binary, await generate.call(null, ELECTRON_FUSES));
      const wire = await getCurrentFuseWire(binary);
      for (const [fuse, on] of Object.entries(EXPECTED)) {
        const f = Number(fuse) as FuseV1Options;
        expect(wire[f], name(f)).toBe(on ? FuseState.ENABLE : FuseState.DISABLE);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** The binary `npm run package` leaves in the dir build, if it has run here. */
const packaged = path.join(ROOT, 'out/package/linux-unpacked', config.executableName ?? '');
const skipReason = existsSync(packaged)
  ? null
  : `${path.relative(ROOT, packaged)} does not exist (npm run package has not run here; it needs the Electron binary)`;
if (skipReason !== null) console.log(`SKIP packaged fuse wire: ${skipReason}.`);

describe('Electron fuses in the packaged binary', () => {
  it.skipIf(skipReason !== null)('reads each fuse back from the binary', async () => {
    const wire = await getCurrentFuseWire(packaged);
    for (const [fuse, on] of Object.entries(EXPECTED)) {
      const f = Number(fuse) as FuseV1Options;
      expect(wire[f], name(f)).toBe(on ? FuseState.ENABLE : FuseState.DISABLE);
    }
  });
});
