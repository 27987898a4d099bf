import { Chart } from 'chart.js';

// Placeholder until the popover UI lands: proves the browser bundle (with chart.js) builds and loads.
const app = document.getElementById('app');
if (app) {
  app.textContent = `IdleWatt — waiting for data (chart.js ${Chart.version})`;
}
