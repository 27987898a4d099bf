/** The popover's Content-Security-Policy, sent as a header too (the page carries the same meta tag). */
export const POPOVER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function popoverWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    navigateOnDragDrop: false,
  } as const;
}

interface PreventableEvent {
  preventDefault(): void;
  url?: string;
}

/** The parts of Electron's WebContents hardened here (a fake in tests). */
export interface WebContentsPort {
  on(
    event: 'will-navigate' | 'will-redirect',
    listener: (event: PreventableEvent, url: string) => void,
  ): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/**
 * Denies every navigation away from the popover's own page, every new window (window.open, target=
 * _blank) and every <webview>. Links to the outside are opened by main on purpose, never by the page.
 */
export function hardenWebContents(
  contents: WebContentsPort,
  pageUrl: string,
  log?: (line: string) => void,
): void {
  const deny = (event: PreventableEvent, url?: string): void => {
    const target = event.url ?? url ?? '';
    if (target === pageUrl) return;
    event.preventDefault();
    log?.(`IdleWatt: blocked navigation to ${target}`);
  };
  contents.on('will-navigate', deny);
  contents.on('will-redirect', deny);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    log?.(`IdleWatt: blocked a new window for ${url}`);
    return { action: 'deny' };
  });
}

/** Adds the CSP header to a response's headers (session.webRequest.onHeadersReceived). */
export function withCspHeader(
  headers: Record<string, string[] | string> | undefined,
): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy')
      result[name] = Array.isArray(value) ? value : [value];
  }
  result['Content-Security-Policy'] = [POPOVER_CSP];
  return result;
}
