import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import {
  drawAppIcon,
  drawTrayIcon,
  ICNS_ENTRIES,
  TRAY_COLOURS,
  trayIconSet,
  TRAY_STATES,
} from '../../../build/icons.mjs';
import { REPO_ROOT } from '../../helpers.js';

const TRAY_DIR = join(REPO_ROOT, 'assets', 'tray');
const LIGHT_MENU_BAR = [246, 246, 246] as const;
const DARK_MENU_BAR = [40, 40, 40] as const;

function luminance([r, g, b]: readonly number[]): number {
  const channel = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r!) + 0.7152 * channel(g!) + 0.0722 * channel(b!);
}
const contrast = (a: readonly number[], b: readonly number[]) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};

test('the committed tray icons are exactly what build/icons.mjs draws (reproducible, 20 files)', () => {
  const set = trayIconSet();
  assert.equal(set.length, TRAY_STATES.length * 4);
  assert.deepEqual(
    readdirSync(TRAY_DIR)
      .filter((f) => f.endsWith('.png'))
      .sort(),
    set.map(([f]) => f).sort(),
  );
  for (const [file, state, px] of set) {
    const png = PNG.sync.read(readFileSync(join(TRAY_DIR, file)));
    assert.equal(png.width, px, file);
    assert.equal(png.height, px, file);
    assert.ok(png.data.equals(drawTrayIcon(state, px)), `${file} differs: run node build/icons.mjs`);
  }
});

test('every icon has an outline with at least 3:1 contrast on both light and dark menu bars', () => {
  for (const [file, state, px] of trayIconSet()) {
    const rgba = drawTrayIcon(state, px);
    for (const background of [LIGHT_MENU_BAR, DARK_MENU_BAR]) {
      let visible = 0;
      for (let i = 0; i < rgba.length; i += 4) {
        const alpha = rgba[i + 3]! / 255;
        const shown = [0, 1, 2].map((k) => rgba[i + k]! * alpha + background[k]! * (1 - alpha));
        if (contrast(shown, background) >= 3) visible++;
      }
      // At least a full ring one pixel wide (the circumference) stands out.
      assert.ok(
        visible >= Math.PI * px * 0.8,
        `${file} on rgb(${background.join(',')}): ${visible} visible pixels`,
      );
    }
  }
});

test('each thermal state shows its own colour, and fills more of the disc as it gets hotter', () => {
  const px = 44;
  const filledRows = (state: (typeof TRAY_STATES)[number]) => {
    const rgba = drawTrayIcon(state, px);
    const colour = TRAY_COLOURS[state];
    let rows = 0;
    for (let y = 0; y < px; y++) {
      const i = (y * px + px / 2) * 4;
      if (
        rgba[i] === colour[0] &&
        rgba[i + 1] === colour[1] &&
        rgba[i + 2] === colour[2] &&
        rgba[i + 3] === 255
      )
        rows++;
    }
    return rows;
  };
  const rows = (['nominal', 'fair', 'serious', 'critical'] as const).map(filledRows);
  assert.ok(
    rows.every((r) => r > 0),
    `every state shows its colour: ${rows}`,
  );
  assert.deepEqual(
    [...rows].sort((a, b) => a - b),
    rows,
    `fill grows with heat: ${rows}`,
  );
  assert.equal(new Set(rows).size, 4);
  assert.ok(filledRows('unknown') > 0 && filledRows('unknown') < rows[0]!, 'unknown shows a thin level bar');
});

test('drawing an unknown state name is refused with its name', () => {
  assert.throws(() => drawTrayIcon('hot' as never, 16), /unknown tray state 'hot'/);
});

/** The entries of an .icns file: [OSType, payload]. */
function readIcns(bytes: Buffer): [string, Buffer][] {
  assert.equal(bytes.toString('latin1', 0, 4), 'icns');
  assert.equal(bytes.readUInt32BE(4), bytes.length);
  const entries: [string, Buffer][] = [];
  for (let at = 8; at < bytes.length;) {
    const length = bytes.readUInt32BE(at + 4);
    entries.push([bytes.toString('latin1', at, at + 4), bytes.subarray(at + 8, at + length)]);
    at += length;
  }
  return entries;
}

test('the app icon (build/icon.png, build/icon.icns) is committed as drawn, at the sizes each format names', () => {
  const png = PNG.sync.read(readFileSync(join(REPO_ROOT, 'build', 'icon.png')));
  assert.equal(png.width, 1024);
  assert.ok(png.data.equals(drawAppIcon(1024)), 'build/icon.png is stale: run node build/icons.mjs');
  const entries = readIcns(readFileSync(join(REPO_ROOT, 'build', 'icon.icns')));
  assert.deepEqual(
    entries.map(([type]) => type),
    ICNS_ENTRIES.map(([type]) => type),
  );
  for (const [type, payload] of entries) {
    const px = ICNS_ENTRIES.find(([t]) => t === type)![1];
    const image = PNG.sync.read(payload);
    assert.equal(image.width, px, type);
    assert.ok(image.data.equals(drawAppIcon(px)), `${type} is stale`);
  }
  // Transparent corners, an opaque middle: the rounded square, not a full bleed.
  assert.equal(png.data[3], 0);
  assert.equal(png.data[(512 * 1024 + 512) * 4 + 3], 255);
});
