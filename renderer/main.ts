import { selectApi } from './api/select-api.js';
import { startApp, type PopoverApp } from './app.js';

declare global {
  interface Window {
    idlewatt?: unknown;
    idlewattUi?: PopoverApp;
  }
}

const root = document.getElementById('app');
if (root) {
  const { api, kind } = selectApi(window);
  const app = startApp(root, api, kind);
  window.idlewattUi = app;
  // A clicked notification reaches the popover as a focus-service event over IPC; the app turns it
  // into this window event, which the browser tests can dispatch too.
  window.addEventListener('idlewatt:focus-service', (event) => {
    const id = (event as CustomEvent<unknown>).detail;
    if (typeof id === 'string') app.focusService(id);
  });
}
