import { cssVar, prepareCanvas } from '../dom.js';

/**
 * A tiny two-line sparkline on a canvas (no axes, no chart.js instance): each series is scaled to
 * its own range, because CPU % and memory have unrelated units. Nulls break the line.
 */
export function drawSparkline(
  canvas: HTMLCanvasElement,
  series: {
    values: (number | null)[];
    colourVar: string;
    fallback: string;
    /** Where the scale starts (0 for CPU %, so a flat 1 % does not fill the height); else the minimum. */
    floor?: number;
  }[],
  fallbackWidth = 160,
  fallbackHeight = 32,
): void {
  const prepared = prepareCanvas(canvas, fallbackWidth, fallbackHeight);
  if (!prepared) return;
  const { ctx, width, height } = prepared;
  for (const { values, colourVar, fallback, floor } of series) {
    const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
    if (finite.length === 0) continue;
    const min = floor ?? Math.min(...finite);
    const max = Math.max(...finite);
    const span = max - min || 1;
    ctx.strokeStyle = cssVar(colourVar, fallback);
    ctx.lineWidth = 1.25;
    ctx.beginPath();
    let drawing = false;
    values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) {
        drawing = false;
        return;
      }
      const x = values.length === 1 ? width / 2 : (i / (values.length - 1)) * (width - 2) + 1;
      const y = height - 2 - ((v - min) / span) * (height - 4);
      if (drawing) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      drawing = true;
    });
    ctx.stroke();
  }
}
