import { createSeededRandom } from "../lib/seeded-random.js";
import { Canvas, encodePng, type Rgb } from "./png.js";

/** The kinds of picture the demo stories use; each is drawn from shapes, no network or files. */
export type Scene = "skyline" | "mountains" | "sea" | "chart" | "orbit" | "hills" | "stage";

export interface Illustration {
  scene: Scene;
  /** Top and bottom colours of the sky or background. */
  sky: [Rgb, Rgb];
  /** Colours of the shapes, back to front. */
  ink: Rgb[];
  /** Varies the shapes so two pictures of one scene differ. */
  seed: number;
}

export const IMAGE_WIDTH = 1200;
export const IMAGE_HEIGHT = 675;

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
const mix = (a: Rgb, b: Rgb, t: number): Rgb => [
  a[0] + (b[0] - a[0]) * t,
  a[1] + (b[1] - a[1]) * t,
  a[2] + (b[2] - a[2]) * t,
];

function verticalGradient(c: Canvas, top: Rgb, bottom: Rgb): void {
  for (let y = 0; y < c.height; y++) {
    const colour = mix(top, bottom, y / (c.height - 1));
    for (let x = 0; x < c.width; x++) c.blend(x, y, colour);
  }
}

function circle(c: Canvas, cx: number, cy: number, r: number, colour: Rgb, alpha = 1): void {
  for (let y = Math.floor(cy - r - 1); y <= Math.ceil(cy + r + 1); y++) {
    for (let x = Math.floor(cx - r - 1); x <= Math.ceil(cx + r + 1); x++) {
      const edge = clamp01(r - Math.hypot(x - cx, y - cy) + 0.5);
      if (edge > 0) c.blend(x, y, colour, edge * alpha);
    }
  }
}

function rect(c: Canvas, x0: number, y0: number, w: number, h: number, colour: Rgb, alpha = 1): void {
  for (let y = Math.max(0, Math.round(y0)); y < Math.min(c.height, Math.round(y0 + h)); y++)
    for (let x = Math.max(0, Math.round(x0)); x < Math.min(c.width, Math.round(x0 + w)); x++)
      c.blend(x, y, colour, alpha);
}

/** Fills everything below the curve `top(x)` with an anti-aliased edge. */
function ridge(c: Canvas, top: (x: number) => number, colour: Rgb, alpha = 1): void {
  for (let x = 0; x < c.width; x++) {
    const edge = top(x);
    const start = Math.max(0, Math.floor(edge));
    for (let y = start; y < c.height; y++) c.blend(x, y, colour, clamp01(y + 1 - edge) * alpha);
  }
}

function drawSkyline(c: Canvas, art: Illustration, rnd: () => number): void {
  circle(c, c.width * (0.25 + rnd() * 0.5), c.height * 0.42, 95, art.ink[0], 0.95);
  art.ink.slice(1).forEach((colour, layer) => {
    let x = -20;
    const base = c.height * (0.5 + layer * 0.12);
    while (x < c.width) {
      const w = 50 + rnd() * 90;
      const h = 60 + rnd() * (220 - layer * 50);
      rect(c, x, base - h + layer * 40, w, c.height, colour);
      if (layer === art.ink.length - 2) {
        // Lit windows on the nearest row of buildings.
        for (let wy = base - h + layer * 40 + 14; wy < c.height - 20; wy += 26)
          for (let wx = x + 10; wx < x + w - 14; wx += 20)
            if (rnd() > 0.55) rect(c, wx, wy, 8, 12, art.ink[0], 0.8);
      }
      x += w + 4 + rnd() * 10;
    }
  });
}

function drawMountains(c: Canvas, art: Illustration, rnd: () => number): void {
  circle(c, c.width * (0.6 + rnd() * 0.25), c.height * 0.3, 60, art.ink[0], 0.9);
  art.ink.slice(1).forEach((colour, layer) => {
    const phase = rnd() * 10;
    const height = c.height * (0.35 + layer * 0.15);
    const amp = 120 - layer * 25;
    ridge(
      c,
      (x) =>
        height +
        Math.sin(x / (140 - layer * 20) + phase) * amp * 0.6 +
        Math.sin(x / 53 + phase * 2) * amp * 0.25 +
        Math.abs(Math.sin(x / 310 + phase)) * -amp * 0.5,
      colour,
    );
  });
}

function drawSea(c: Canvas, art: Illustration, rnd: () => number): void {
  circle(c, c.width * (0.2 + rnd() * 0.6), c.height * 0.45, 110, art.ink[0], 0.9);
  art.ink.slice(1).forEach((colour, layer) => {
    const phase = rnd() * 6;
    const level = c.height * (0.55 + layer * 0.11);
    ridge(c, (x) => level + Math.sin(x / (60 + layer * 25) + phase) * (8 + layer * 5), colour, 0.92);
  });
}

function drawChart(c: Canvas, art: Illustration, rnd: () => number): void {
  for (let gy = c.height * 0.2; gy < c.height * 0.9; gy += c.height * 0.14)
    rect(c, c.width * 0.08, gy, c.width * 0.84, 2, art.ink[0], 0.35);
  const bars = 12;
  const slot = (c.width * 0.84) / bars;
  let value = 0.35 + rnd() * 0.2;
  const tops: number[] = [];
  for (let i = 0; i < bars; i++) {
    value = Math.min(0.95, Math.max(0.15, value + (rnd() - 0.42) * 0.18));
    const h = c.height * 0.7 * value;
    const x = c.width * 0.08 + i * slot + slot * 0.18;
    rect(c, x, c.height * 0.9 - h, slot * 0.64, h, art.ink[1 + (i % (art.ink.length - 1))], 0.95);
    tops.push(c.height * 0.9 - h - 30);
  }
  for (const [i, top] of tops.entries())
    circle(c, c.width * 0.08 + i * slot + slot * 0.5, top, 9, art.ink[0]);
}

function drawOrbit(c: Canvas, art: Illustration, rnd: () => number): void {
  for (let i = 0; i < 140; i++)
    circle(c, rnd() * c.width, rnd() * c.height, rnd() * 1.6 + 0.4, [255, 255, 255], 0.8);
  const cx = c.width * (0.55 + rnd() * 0.15);
  const cy = c.height * 0.55;
  circle(c, cx, cy, 170, art.ink[1]);
  circle(c, cx - 40, cy - 45, 120, art.ink[2] ?? art.ink[1], 0.55);
  for (let t = 0; t < Math.PI * 2; t += 0.0015) {
    const x = cx + Math.cos(t) * 300;
    const y = cy + Math.sin(t) * 70 - Math.cos(t) * 40;
    if (Math.sin(t) > 0 || Math.hypot(x - cx, y - cy) > 170)
      for (let k = -3; k <= 3; k++) c.blend(Math.round(x), Math.round(y) + k, art.ink[0], 0.85);
  }
  circle(c, c.width * 0.18, c.height * 0.28, 36, art.ink[0]);
}

function drawHills(c: Canvas, art: Illustration, rnd: () => number): void {
  circle(c, c.width * (0.15 + rnd() * 0.3), c.height * 0.25, 70, art.ink[0], 0.95);
  art.ink.slice(1).forEach((colour, layer) => {
    const phase = rnd() * 8;
    const level = c.height * (0.45 + layer * 0.14);
    ridge(c, (x) => level + Math.sin(x / (260 - layer * 40) + phase) * (45 - layer * 6), colour);
  });
  // Furrows across the nearest field.
  const near = art.ink[art.ink.length - 1];
  for (let y = Math.round(c.height * 0.86); y < c.height; y += 14)
    rect(c, 0, y, c.width, 4, mix(near, [0, 0, 0], 0.18), 0.8);
}

function drawStage(c: Canvas, art: Illustration, rnd: () => number): void {
  // Spotlights, a curtain and the stage floor.
  for (let i = 0; i < 3; i++) {
    const sx = c.width * (0.25 + i * 0.25 + (rnd() - 0.5) * 0.05);
    for (let y = 0; y < c.height * 0.78; y++) {
      const half = 20 + y * 0.35;
      for (let x = Math.round(sx - half); x < sx + half; x++)
        c.blend(x, y, art.ink[0], 0.12 * (1 - Math.abs(x - sx) / half));
    }
  }
  for (let x = 0; x < c.width; x++) {
    const fold = (Math.sin(x / 18) + 1) / 2;
    const colour = mix(art.ink[1], art.ink[2] ?? art.ink[1], fold * 0.6);
    for (let y = 0; y < 70 + Math.sin(x / 120) * 12; y++) c.blend(x, y, colour);
    if (x < c.width * 0.12 || x > c.width * 0.88) for (let y = 0; y < c.height; y++) c.blend(x, y, colour);
  }
  rect(c, 0, c.height * 0.78, c.width, c.height * 0.22, art.ink[3] ?? art.ink[1]);
  circle(c, c.width * 0.5, c.height * 0.78, 160, art.ink[0], 0.18);
}

const DRAW: Record<Scene, (c: Canvas, art: Illustration, rnd: () => number) => void> = {
  skyline: drawSkyline,
  mountains: drawMountains,
  sea: drawSea,
  chart: drawChart,
  orbit: drawOrbit,
  hills: drawHills,
  stage: drawStage,
};

/** Draws an illustration and returns it as PNG bytes. */
export function renderIllustration(art: Illustration): Buffer {
  const canvas = new Canvas(IMAGE_WIDTH, IMAGE_HEIGHT);
  verticalGradient(canvas, art.sky[0], art.sky[1]);
  DRAW[art.scene](canvas, art, createSeededRandom(art.seed));
  return encodePng(canvas);
}
