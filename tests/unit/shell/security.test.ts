import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  hardenWebContents,
  POPOVER_CSP,
  popoverWebPreferences,
  withCspHeader,
} from '../../../main/shell/security.js';
import { REPO_ROOT } from '../../helpers.js';
import { FakeEmitter } from './fakes.js';

const PAGE = 'file:///app/dist/renderer/index.html';

function navigation(url: string) {
  let prevented = false;
  return { event: { url, preventDefault: () => (prevented = true) }, prevented: () => prevented };
}

test('the popover is sandboxed and isolated, with no Node integration', () => {
  const prefs = popoverWebPreferences('/app/dist/preload.cjs');
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.webviewTag, false);
  assert.equal(prefs.preload, '/app/dist/preload.cjs');
});

test('navigation away, new windows and webviews are denied; reloading the page is allowed', () => {
  const emitter = new FakeEmitter();
  let openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  const log: string[] = [];
  hardenWebContents(
    {
      on: (event: string, listener: never) => emitter.on(event, listener),
      setWindowOpenHandler: (h) => (openHandler = h),
    },
    PAGE,
    (line) => log.push(line),
  );
  const away = navigation('https://evil.example/');
  emitter.emit('will-navigate', away.event, away.event.url);
  assert.equal(away.prevented(), true);
  const redirect = navigation('file:///etc/passwd');
  emitter.emit('will-redirect', redirect.event, redirect.event.url);
  assert.equal(redirect.prevented(), true);
  const reload = navigation(PAGE);
  emitter.emit('will-navigate', reload.event, reload.event.url);
  assert.equal(reload.prevented(), false);
  const webview = navigation('');
  emitter.emit('will-attach-webview', webview.event);
  assert.equal(webview.prevented(), true);
  assert.deepEqual(openHandler!({ url: 'https://example.com' }), { action: 'deny' });
  assert.equal(log.length, 3);
});

test('the CSP header replaces any other and allows nothing inline or remote', () => {
  const headers = withCspHeader({
    'content-security-policy': ['default-src *'],
    'Content-Type': 'text/html',
  });
  assert.deepEqual(headers, { 'Content-Type': ['text/html'], 'Content-Security-Policy': [POPOVER_CSP] });
  assert.doesNotMatch(POPOVER_CSP, /unsafe-|\*|https?:/);
  assert.match(POPOVER_CSP, /default-src 'self'/);
  assert.match(POPOVER_CSP, /object-src 'none'/);
});

test("the renderer page's own CSP meta tag is strict too", () => {
  const html = readFileSync(join(REPO_ROOT, 'renderer', 'index.html'), 'utf8');
  const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
  assert.ok(meta, 'renderer/index.html declares a CSP');
  assert.doesNotMatch(meta[1]!, /unsafe-inline|unsafe-eval|\*/);
  assert.match(meta[1]!, /script-src 'self'/);
});

test('only app.ts loads Electron at run time: every other shell module runs under plain Node', () => {
  const dir = join(REPO_ROOT, 'main', 'shell');
  const runtimeImport = /^import\s+(?!type\b)[^;]*from\s+'(electron|electron-store|menubar)'/m;
  const loaders = readdirSync(dir).filter((f) => runtimeImport.test(readFileSync(join(dir, f), 'utf8')));
  assert.deepEqual(loaders, ['app.ts']);
});
