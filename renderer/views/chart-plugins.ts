import type { Chart, Plugin } from 'chart.js';
import type { Marker, Span } from '../model/chart-data.js';

export interface OverlayColours {
  idle: string;
  activity: string;
  inference: string;
  alert: string;
}

/**
 * Shades idle periods behind the lines and draws activity ticks, inference dots (just above the
 * ticks, so both show for one bucket) and alert triangles. Reads its data through callbacks so the chart never needs new options.
 */
export function createOverlayPlugin(
  getSpans: () => readonly Span[],
  getMarkers: () => readonly Marker[],
  getColours: () => OverlayColours,
): Plugin<'line'> {
  return {
    id: 'idlewattOverlay',
    beforeDatasetsDraw(chart: Chart<'line'>) {
      const { ctx, chartArea, scales } = chart;
      const x = scales.x;
      if (!x || !chartArea) return;
      ctx.save();
      ctx.fillStyle = getColours().idle;
      for (const span of getSpans()) {
        const left = Math.max(chartArea.left, x.getPixelForValue(span.from));
        const right = Math.min(chartArea.right, x.getPixelForValue(span.to));
        if (right > left) ctx.fillRect(left, chartArea.top, right - left, chartArea.bottom - chartArea.top);
      }
      ctx.restore();
    },
    afterDatasetsDraw(chart: Chart<'line'>) {
      const { ctx, chartArea, scales } = chart;
      const x = scales.x;
      if (!x || !chartArea) return;
      const colours = getColours();
      ctx.save();
      for (const marker of getMarkers()) {
        const px = x.getPixelForValue(marker.at);
        if (px < chartArea.left || px > chartArea.right) continue;
        if (marker.kind === 'activity') {
          ctx.fillStyle = colours.activity;
          ctx.fillRect(Math.round(px) - 0.5, chartArea.bottom - 5, 1.5, 5);
        } else if (marker.kind === 'inference') {
          ctx.fillStyle = colours.inference;
          ctx.beginPath();
          ctx.arc(px, chartArea.bottom - 9, 2.5, 0, 2 * Math.PI);
          ctx.fill();
        } else {
          ctx.fillStyle = colours.alert;
          ctx.beginPath();
          ctx.moveTo(px, chartArea.top + 1);
          ctx.lineTo(px - 4, chartArea.top + 8);
          ctx.lineTo(px + 4, chartArea.top + 8);
          ctx.closePath();
          ctx.fill();
        }
      }
      ctx.restore();
    },
  };
}
