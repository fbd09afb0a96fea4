import { deflateSync } from 'node:zlib';
import type { ChartLayout } from './charts.js';

/**
 * The PNG fallback of a chart, drawn without a browser or an image library: grid, axis numbers (a small built-in
 * digit font), bars, lines and legend swatches. Chinese labels are in the SVG and in the data table beside it.
 */
class Raster {
  readonly pixels: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Uint8Array(width * height * 3).fill(255);
  }

  set(x: number, y: number, [r, g, b]: readonly [number, number, number]) {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 3;
    this.pixels[i] = r;
    this.pixels[i + 1] = g;
    this.pixels[i + 2] = b;
  }

  rect(x: number, y: number, w: number, h: number, color: readonly [number, number, number]) {
    for (let j = Math.round(y); j < Math.round(y + h); j++) for (let i = Math.round(x); i < Math.round(x + w); i++) this.set(i, j, color);
  }

  /** A line `thickness` pixels wide (squares stamped along it). */
  line(ax: number, ay: number, bx: number, by: number, color: readonly [number, number, number], thickness = 1) {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(bx - ax), Math.abs(by - ay))));
    const half = Math.floor(thickness / 2);
    for (let s = 0; s <= steps; s++) {
      const x = Math.round(ax + ((bx - ax) * s) / steps);
      const y = Math.round(ay + ((by - ay) * s) / steps);
      this.rect(x - half, y - half, thickness, thickness, color);
    }
  }
}

const hex = (color: string): [number, number, number] => [parseInt(color.slice(1, 3), 16), parseInt(color.slice(3, 5), 16), parseInt(color.slice(5, 7), 16)];

/** 3×5 glyphs for axis numbers. */
const DIGITS: Record<string, string[]> = {
  '0': ['111', '101', '101', '101', '111'],
  '1': ['010', '110', '010', '010', '111'],
  '2': ['111', '001', '111', '100', '111'],
  '3': ['111', '001', '111', '001', '111'],
  '4': ['101', '101', '111', '001', '001'],
  '5': ['111', '100', '111', '001', '111'],
  '6': ['111', '100', '111', '101', '111'],
  '7': ['111', '001', '010', '010', '010'],
  '8': ['111', '101', '111', '101', '111'],
  '9': ['111', '101', '111', '001', '111'],
  '.': ['000', '000', '000', '000', '010'],
  '-': ['000', '000', '111', '000', '000'],
};

/** Writes a number right-aligned at (right, y), 2 pixels per glyph dot. */
function number(raster: Raster, text: string, right: number, y: number, color: readonly [number, number, number]) {
  const scale = 2;
  const glyphs = [...text].filter((c) => DIGITS[c]);
  let x = right - glyphs.length * 4 * scale;
  for (const c of glyphs) {
    DIGITS[c]!.forEach((row, j) => {
      [...row].forEach((bit, i) => {
        if (bit === '1') raster.rect(x + i * scale, y + j * scale, scale, scale, color);
      });
    });
    x += 4 * scale;
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const body = Buffer.concat([head.subarray(4), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body), 0);
  return Buffer.concat([head.subarray(0, 4), body, crc]);
}

/** An RGB PNG file (8 bits per channel, no interlace). */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 2;
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    rows[y * (width * 3 + 1)] = 0;
    Buffer.from(rgb.buffer, rgb.byteOffset + y * width * 3, width * 3).copy(rows, y * (width * 3 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

export function chartPng(layout: ChartLayout): Buffer {
  const raster = new Raster(layout.width, layout.height);
  const { axis } = layout;
  const grey: [number, number, number] = [217, 217, 217];
  const dark: [number, number, number] = [64, 64, 64];
  for (const g of layout.grid) {
    raster.line(axis.x0, g.y, axis.x1, g.y, grey);
    number(raster, g.label, axis.x0 - 6, Math.round(g.y) - 5, dark);
  }
  for (const r of layout.rects) raster.rect(r.x, r.y, r.w, r.h, hex(r.color));
  for (const l of layout.lines) {
    l.points.forEach(([x, y], i) => {
      const next = l.points[i + 1];
      if (next) raster.line(x, y, next[0], next[1], hex(l.color), 3);
      raster.rect(x - 3, y - 3, 7, 7, hex(l.color));
    });
  }
  raster.line(axis.x0, axis.y0, axis.x1, axis.y0, dark);
  for (const l of layout.legend) raster.rect(l.x, l.y - 10, 14, 10, hex(l.color));
  return encodePng(layout.width, layout.height, raster.pixels);
}
