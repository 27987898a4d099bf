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
  // The shell dispatches this when a notification is clicked.
  window.addEventListener('idlewatt:focus-service', (event) => {
    const id = (event as CustomEvent<unknown>).detail;
    if (typeof id === 'string') app.focusService(id);
  });
}
