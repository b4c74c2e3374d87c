// `npm run bench:media [-- --runs 3]`: how long a 12-megapixel camera JPEG takes to become every
// variant the site serves, how long its upload waits for an answer, and how fast pages are served
// meanwhile (the same process serves both, as in production). See docs/performance.md.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import sharp from "sharp";
import { buildApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { decodeImage, renderVariant } from "../src/media/pipeline.js";
import { mediaJobsSettled, saveImage } from "../src/media/service.js";
import { variantSpecs } from "../src/media/variants.js";

const { values: args } = parseArgs({ options: { runs: { type: "string", default: "3" } } });
const runs = Number(args.runs);

/** A photo-like 4000×3000 scene (sky, sun, buildings, grain) as a camera JPEG: noise alone would flatter nothing. */
async function cameraPhoto(): Promise<Buffer> {
  const width = 4000;
  const height = 3000;
  const buildings = Array.from(
    { length: 60 },
    (_, i) =>
      `<rect x="${(i * 137) % width}" y="${1700 + ((i * 53) % 600)}" width="${80 + ((i * 31) % 200)}" height="${300 + ((i * 71) % 900)}" fill="hsl(${(i * 47) % 360},35%,${25 + ((i * 13) % 40)}%)"/>`,
  ).join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#4a78b5"/><stop offset="0.6" stop-color="#e9c9a0"/><stop offset="1" stop-color="#3b4a2a"/></linearGradient><radialGradient id="s"><stop offset="0" stop-color="#fff6d0"/><stop offset="1" stop-color="#fff6d0" stop-opacity="0"/></radialGradient></defs><rect width="${width}" height="${height}" fill="url(#g)"/><circle cx="2900" cy="900" r="500" fill="url(#s)"/>${buildings}</svg>`;
  const scene = await sharp(Buffer.from(svg))
    .blur(3)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const grain = await sharp({
    create: {
      width,
      height,
      channels: 3,
      background: "#808080",
      noise: { type: "gaussian", mean: 128, sigma: 10 },
    },
  })
    .raw()
    .toBuffer();
  return sharp(scene.data, { raw: scene.info })
    .composite([{ input: grain, raw: { width, height, channels: 3 }, blend: "soft-light" }])
    .jpeg({ quality: 88 })
    .withExif({ IFD0: { Make: "Bench", Model: "12MP" } })
    .toBuffer();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

const ms = (start: number) => Math.round(performance.now() - start);

const photo = await cameraPhoto();
console.log(`photo: 4000×3000 JPEG, ${(photo.length / 1048576).toFixed(1)} MB; ${os.cpus().length} cores`);

// 1. The pipeline alone: decode once, every variant (as the upload and the job after it make them together).
for (let run = 1; run <= runs; run += 1) {
  // CPU time as well as wall time: on a shared machine the wall clock measures the neighbours too.
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const image = await decodeImage(photo);
  const decoded = ms(start);
  const specs = variantSpecs({
    file_name: "bench/photo.jpg",
    mime_type: image.mimeType,
    width: image.width,
    height: image.height,
    variant_hash: "000000000000",
  });
  const queue = [...specs];
  let bytes = 0;
  await Promise.all(
    [1, 2].map(async () => {
      for (let spec = queue.shift(); spec; spec = queue.shift())
        bytes += (await renderVariant(image, spec, { x: 0.5, y: 0.5 })).length;
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  console.log(
    `pipeline run ${run}: decode ${decoded} ms, all ${specs.length} variants ${ms(start)} ms wall, ` +
      `${Math.round((cpu.user + cpu.system) / 1000)} ms CPU (${Math.round(bytes / 1024)} KB in all)`,
  );
}

// 2. Through the site: the upload's answer, every variant stored, and pages served meanwhile.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "broadsheet-media-bench-"));
const config = loadConfig({
  DATA_DIR: dataDir,
  RUN_SCHEDULERS: "false",
  SITE_URL: "http://bench.test",
  LOG_LEVEL: "warn",
});
const app = await buildApp(config, { logger: false });
await app.listen({ port: 0, host: "127.0.0.1" });
const address = app.server.address();
const base = typeof address === "object" && address ? `http://127.0.0.1:${address.port}` : "";
try {
  // A live site's front page is already rendered and cached: the first requests of a new process
  // (template compile, first render, the client's first connection) are not the upload's cost.
  for (let warm = 0; warm < 20; warm += 1) await (await fetch(`${base}/`)).arrayBuffer();
  for (let run = 1; run <= runs; run += 1) {
    const latencies: number[] = [];
    let isProcessing = true;
    const pages = (async () => {
      while (isProcessing) {
        const start = performance.now();
        await (await fetch(`${base}/`)).arrayBuffer();
        latencies.push(performance.now() - start);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const start = performance.now();
    const saved = await saveImage(app.ctx, { data: photo, originalName: "photo.jpg", alt: "Bench" }, null);
    if ("error" in saved) throw new Error(saved.error);
    const answered = ms(start);
    await mediaJobsSettled();
    const allStored = ms(start);
    isProcessing = false;
    await pages;
    latencies.sort((a, b) => a - b);
    console.log(
      `upload run ${run}: answered after ${answered} ms, every variant stored after ${allStored} ms; ` +
        `${latencies.length} front-page requests meanwhile: p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(latencies, 99).toFixed(1)} ms`,
    );
  }
} finally {
  await app.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
