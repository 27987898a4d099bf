// Loaded with `node --import tsx --import <this file> dist/main.cjs`: `require('electron')` in the
// bundle then gets the fake. FAKE_ELECTRON_PLATFORM makes the app believe it runs on that platform
// (before anything reads process.platform), so macOS flows run here.
import Module from 'node:module';

const platform = process.env.FAKE_ELECTRON_PLATFORM;
if (platform) Object.defineProperty(process, 'platform', { value: platform });

const { electronModule } = await import('./fake-electron.js');
const loader = Module as unknown as { _load(request: string, ...rest: unknown[]): unknown };
const load = loader._load;
loader._load = function (request: string, ...rest: unknown[]) {
  return request === 'electron' ? electronModule : load.call(this, request, ...rest);
};
