import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Finds a Chromium for the browser tests: IDLEWATT_CHROMIUM, then Debian's /usr/bin/chromium,
 * then common Chrome paths. Never downloads a browser.
 */
export function findChromium(): string | null {
  const candidates = [
    process.env.IDLEWATT_CHROMIUM,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  ];
  return candidates.find((p): p is string => Boolean(p && existsSync(p))) ?? null;
}

export const NO_CHROMIUM_REASON =
  'no Chromium found (install Debian chromium, or set IDLEWATT_CHROMIUM=/path/to/chrome)';

export async function launchChromium(
  executablePath: string,
  options: { dark?: boolean } = {},
): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(options.dark ? ['--force-dark-mode'] : []),
    ],
  });
}
