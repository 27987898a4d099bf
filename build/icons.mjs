#!/usr/bin/env node
// Generates the tray icons, one per thermal state, at 16 px (macOS menu bar) and 22 px (Linux
// panels), each with an @2x version drawn natively at double size. Non-template coloured images:
// a disc in the state's colour, filled to a height that also encodes the state (so colour is never
// the only signal), with a dark rim for light menu bars and a light halo for dark ones.
//   node build/icons.mjs           write assets/tray/*.png
//   node build/icons.mjs --check   exit 1 if the committed icons differ from what this draws
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pngjs from 'pngjs';

const { PNG } = pngjs;

export const TRAY_STATES = ['nominal', 'fair', 'serious', 'critical', 'unknown'];
export const TRAY_SIZES = [16, 22];

/** The same hues as the popover's thermal badge (Apple system colours, readable on both themes). */
export const TRAY_COLOURS = {
  nominal: [52, 199, 89],
  fair: [255, 204, 0],
  serious: [255, 149, 0],
  critical: [255, 59, 48],
  unknown: [142, 142, 147],
};

/** How much of the disc is filled, bottom up: nominal ¼ … critical full; unknown is hollow. */
export const TRAY_FILL = { nominal: 0.3, fair: 0.55, serious: 0.8, critical: 1, unknown: 0 };

const RIM = [0, 0, 0, 0.72];
const HALO = [255, 255, 255, 0.9];
const EMPTY = [128, 128, 128, 0.3];
const SUBSAMPLES = 4;

function layerAt(state, px, x, y) {
  const unit = px / 16;
  const centre = px / 2;
  const haloRadius = px / 2 - 0.25 * unit;
  const rimRadius = haloRadius - 1 * unit;
  const innerRadius = rimRadius - 1.1 * unit;
  const distance = Math.hypot(x - centre, y - centre);
  if (distance > haloRadius) return null;
  if (distance > rimRadius) return HALO;
  if (distance > innerRadius) return RIM;
  const heightFromBottom = (centre + innerRadius - y) / (2 * innerRadius);
  if (state === 'unknown') {
    // A level bar across the middle: "no reading" rather than "cool".
    return Math.abs(y - centre) <= 1.1 * unit ? [...TRAY_COLOURS.unknown, 1] : EMPTY;
  }
  return heightFromBottom <= TRAY_FILL[state] ? [...TRAY_COLOURS[state], 1] : EMPTY;
}

/** Draws one icon of `px` × `px` pixels; returns RGBA bytes (straight alpha). */
export function drawTrayIcon(state, px) {
  if (!TRAY_STATES.includes(state)) throw new Error(`unknown tray state '${state}'`);
  const data = Buffer.alloc(px * px * 4);
  for (let row = 0; row < px; row++) {
    for (let col = 0; col < px; col++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < SUBSAMPLES; sy++) {
        for (let sx = 0; sx < SUBSAMPLES; sx++) {
          const layer = layerAt(state, px, col + (sx + 0.5) / SUBSAMPLES, row + (sy + 0.5) / SUBSAMPLES);
          if (!layer) continue;
          r += layer[0] * layer[3];
          g += layer[1] * layer[3];
          b += layer[2] * layer[3];
          a += layer[3];
        }
      }
      const i = (row * px + col) * 4;
      const samples = SUBSAMPLES * SUBSAMPLES;
      data[i] = a > 0 ? Math.round(r / a) : 0;
      data[i + 1] = a > 0 ? Math.round(g / a) : 0;
      data[i + 2] = a > 0 ? Math.round(b / a) : 0;
      data[i + 3] = Math.round((a / samples) * 255);
    }
  }
  return data;
}

/** File name of an icon: `<state>-<size>.png`, or `<state>-<size>@2x.png` for the retina version. */
export function trayIconFileName(state, size, retina = false) {
  return `${state}-${size}${retina ? '@2x' : ''}.png`;
}

/** Every icon the app ships: [file name, state, pixel size]. */
export function trayIconSet() {
  return TRAY_STATES.flatMap((state) =>
    TRAY_SIZES.flatMap((size) => [
      [trayIconFileName(state, size), state, size],
      [trayIconFileName(state, size, true), state, size * 2],
    ]),
  );
}

export function encodePng(px, rgba) {
  const png = new PNG({ width: px, height: px });
  rgba.copy(png.data);
  return PNG.sync.write(png, { colorType: 6, deflateLevel: 9 });
}

function main() {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const outDir = join(root, 'assets', 'tray');
  const check = process.argv.includes('--check');
  const stale = [];
  mkdirSync(outDir, { recursive: true });
  for (const [file, state, px] of trayIconSet()) {
    const rgba = drawTrayIcon(state, px);
    const path = join(outDir, file);
    if (check) {
      let committed = null;
      try {
        committed = PNG.sync.read(readFileSync(path)).data;
      } catch {
        // missing or unreadable: stale
      }
      if (!committed || !committed.equals(rgba)) stale.push(file);
    } else {
      writeFileSync(path, encodePng(px, rgba));
    }
  }
  if (check && stale.length > 0) {
    console.error(`icons: out of date, run node build/icons.mjs: ${stale.join(', ')}`);
    process.exit(1);
  }
  console.log(`icons: ${check ? 'checked' : 'wrote'} ${trayIconSet().length} tray icons in assets/tray/`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
