import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import { XMLParser } from 'fast-xml-parser';
import { REPO_ROOT } from '../../helpers.js';

const require = createRequire(import.meta.url);
// js-yaml and app-builder-lib come with electron-builder; neither ships TypeScript types we need.
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  validateConfiguration(config: unknown, debug: { isEnabled: boolean; add(): void }): Promise<void>;
};
const scheme = JSON.parse(
  readFileSync(join(REPO_ROOT, 'node_modules/app-builder-lib/scheme.json'), 'utf8'),
) as Record<string, unknown>;

type Config = Record<string, any>;
const CONFIG_PATH = join(REPO_ROOT, 'build', 'electron-builder.yml');
const loadConfig = (): Config => yaml.load(readFileSync(CONFIG_PATH, 'utf8')) as Config;
const targetNames = (targets: unknown[]): string[] =>
  targets.map((t) => (typeof t === 'string' ? t : (t as { target: string }).target));

test("the config validates against electron-builder's own JSON schema (scheme.json), offline", () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(scheme);
  assert.equal(validate(loadConfig()), true, JSON.stringify(validate.errors, null, 2));
});

test("electron-builder's own validateConfiguration accepts it, and rejects a misspelt option", async () => {
  const noDebug = { isEnabled: false, add() {} };
  await validateConfiguration(loadConfig(), noDebug);
  const misspelt = loadConfig();
  misspelt.mac.hardendRuntime = true;
  await assert.rejects(
    validateConfiguration(misspelt, noDebug),
    /Invalid configuration object[\s\S]*configuration\.mac/,
  );
});

test('macOS: dmg + zip, hardened runtime with an entitlements plist, LSUIElement (no Dock icon)', () => {
  const { mac } = loadConfig();
  assert.deepEqual(targetNames(mac.target).sort(), ['dmg', 'zip']);
  assert.equal(mac.hardenedRuntime, true);
  assert.equal(mac.extendInfo.LSUIElement, true);
  assert.equal(mac.extendInfo.NSAppSleepDisabled, true, 'opted out of App Nap');
  for (const file of [mac.entitlements, mac.entitlementsInherit]) {
    assert.ok(existsSync(join(REPO_ROOT, file)), `${file} exists`);
    const plist = new XMLParser().parse(readFileSync(join(REPO_ROOT, file), 'utf8'));
    const keys = [plist.plist.dict.key].flat();
    assert.ok(keys.includes('com.apple.security.cs.allow-jit'), 'V8 needs JIT under the hardened runtime');
    assert.ok(!keys.includes('com.apple.security.cs.disable-library-validation'));
  }
});

test('Linux: AppImage + deb, the deb depending on an AppIndicator library', () => {
  const config = loadConfig();
  assert.deepEqual(targetNames(config.linux.target).sort(), ['AppImage', 'deb']);
  assert.ok(
    (config.deb.depends as string[]).some((d) => /appindicator3-1/.test(d)),
    'a tray icon needs libayatana-appindicator3-1 or libappindicator3-1',
  );
  assert.ok((config.deb.depends as string[]).includes('libnotify4'), 'notifications need libnotify');
});

test('the package holds the bundles and tray icons and is written to release/', () => {
  const config = loadConfig();
  assert.equal(config.directories.output, 'release');
  assert.ok(config.files.includes('dist/**/*'));
  assert.ok(config.files.some((f: string) => f.startsWith('assets/tray')));
});

test('package.json carries what the .deb needs (maintainer email, homepage) and the real Node range', () => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
  // electron-builder's FpmTarget refuses a deb without author.email (or linux.maintainer) and a homepage.
  assert.match(pkg.author.email, /^[^@\s]+@[^@\s]+\.[a-z]+$/);
  assert.match(pkg.homepage, /^https:\/\//);
  assert.equal(pkg.productName, 'IdleWatt');
  // Electron 45's installer loads the ES module @electron/get with require(): Node 20.19+ or 22.12+.
  assert.equal(pkg.engines.node, '^20.19.0 || >=22.12.0');
  const config = loadConfig();
  assert.ok(config.files.includes('!node_modules/**/*'), 'everything is bundled into dist/');
  // …but koffi, which the bundles leave out (native): packed, and unpacked from the asar.
  for (const pattern of ['node_modules/koffi/**', 'node_modules/@koromix/**']) {
    assert.ok(config.files.includes(`${pattern}/*`), `${pattern} is packed`);
    assert.ok(config.asarUnpack.includes(pattern), `${pattern} is unpacked`);
  }
});
