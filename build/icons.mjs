#!/usr/bin/env node
// Generates the tray icons, one per thermal state, at 16 px (macOS menu bar) and 22 px (Linux
// panels), each with an @2x version drawn natively at double size. Non-template coloured images:
// a disc in the state's colour, filled to a height that also encodes the state (so colour is never
// the only signal), with a dark rim for light menu bars and a light halo for dark ones.
// The app icon (build/icon.png for Linux, build/icon.icns for macOS; electron-builder finds both in
// its buildResources folder) is the same disc, in the 'fair' state, on a dark rounded square.
//   node build/icons.mjs           write assets/tray/*.png, build/icon.png, build/icon.icns
//   node build/icons.mjs --check   exit 1 if the committed icons differ from what this draws
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

const APP_BACKGROUND = [28, 28, 30];

/** The app icon, `px` × `px` RGBA: a rounded square (corner radius 22.5 %, as macOS icons) holding the disc. */
export function drawAppIcon(px) {
  const data = Buffer.alloc(px * px * 4);
  const margin = px * 0.1;
  const side = px - 2 * margin;
  const radius = side * 0.225;
  const discPx = Math.round(side * 0.72);
  const disc = drawTrayIcon('fair', discPx);
  const discOrigin = Math.round((px - discPx) / 2);
  const insideSquare = (x, y) => {
    const dx = Math.max(margin + radius - x, 0, x - (px - margin - radius));
    const dy = Math.max(margin + radius - y, 0, y - (px - margin - radius));
    return Math.hypot(dx, dy) <= radius;
  };
  for (let row = 0; row < px; row++) {
    for (let col = 0; col < px; col++) {
      let covered = 0;
      for (const [sx, sy] of [
        [0.25, 0.25],
        [0.75, 0.25],
        [0.25, 0.75],
        [0.75, 0.75],
      ]) {
        if (insideSquare(col + sx, row + sy)) covered++;
      }
      const i = (row * px + col) * 4;
      let [r, g, b] = APP_BACKGROUND;
      const dr = row - discOrigin;
      const dc = col - discOrigin;
      if (dr >= 0 && dc >= 0 && dr < discPx && dc < discPx) {
        const j = (dr * discPx + dc) * 4;
        const alpha = disc[j + 3] / 255;
        r = Math.round(disc[j] * alpha + r * (1 - alpha));
        g = Math.round(disc[j + 1] * alpha + g * (1 - alpha));
        b = Math.round(disc[j + 2] * alpha + b * (1 - alpha));
      }
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
      data[i + 3] = Math.round((covered / 4) * 255);
    }
  }
  return data;
}

/** The PNG entries of an .icns file: [OSType, pixel size] (Apple's icns format, PNG payloads). */
export const ICNS_ENTRIES = [
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
];

/** An .icns container: 'icns' + total length, then per entry its type, length and PNG bytes. */
export function encodeIcns(entries) {
  const parts = entries.map(([type, png]) => {
    const header = Buffer.alloc(8);
    header.write(type, 0, 'latin1');
    header.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([header, png]);
  });
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(8);
  header.write('icns', 0, 'latin1');
  header.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([header, body]);
}

/** The app icon files: build/icon.png (1024 px) and build/icon.icns. */
export function appIconFiles() {
  const pngs = new Map(ICNS_ENTRIES.map(([, px]) => [px, encodePng(px, drawAppIcon(px))]));
  return [
    ['icon.png', pngs.get(1024)],
    ['icon.icns', encodeIcns(ICNS_ENTRIES.map(([type, px]) => [type, pngs.get(px)]))],
  ];
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
  for (const [file, bytes] of appIconFiles()) {
    const path = join(root, 'build', file);
    if (!check) writeFileSync(path, bytes);
    else if (!existsSync(path) || !readFileSync(path).equals(bytes)) stale.push(`build/${file}`);
  }
  if (check && stale.length > 0) {
    console.error(`icons: out of date, run node build/icons.mjs: ${stale.join(', ')}`);
    process.exit(1);
  }
  console.log(
    `icons: ${check ? 'checked' : 'wrote'} ${trayIconSet().length} tray icons in assets/tray/ and the app icon in build/`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
