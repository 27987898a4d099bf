// Electron entry: the composition root only. Everything it wires lives in main/shell.
import { startApp } from './shell/app.js';

startApp();
