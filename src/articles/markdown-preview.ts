import { Worker } from "node:worker_threads";

/** The longest a preview may render; pathological Markdown (`![` repeated) would otherwise take seconds. */
export const PREVIEW_MAX_MS = 100;
/** The longest Markdown the preview renders (bytes are capped by the route's body limit as well). */
export const PREVIEW_MAX_CHARS = 500_000;

export const PREVIEW_FAILED_MESSAGE =
  "cannot be previewed: it is too long or too slow to render; it can still be saved";
export const PREVIEW_FAILED_HTML = `<p class="hint">This story ${PREVIEW_FAILED_MESSAGE}.</p>`;

interface Job {
  id: number;
  markdown: string;
  resolve(html: string | undefined): void;
}

/**
 * Renders previews in one worker thread, one at a time: a slow render never blocks the pages the
 * main thread serves, and one that runs past PREVIEW_MAX_MS is stopped by ending the worker (a new
 * one starts for the next preview). Under `tsx` (development, tests) the worker runs the
 * TypeScript source through tsx's loader; the build runs the compiled file.
 */
class PreviewRenderer {
  private worker: Worker | undefined;
  /** The worker has loaded its modules: time from here on is rendering time. */
  private isReady = false;
  private queue: Job[] = [];
  private running: Job | undefined;
  private timer: NodeJS.Timeout | undefined;
  private nextId = 1;

  /** Starts the worker ahead of the first preview: loading its modules takes a second or more. */
  warm(): void {
    if (!this.worker) this.worker = this.spawn();
  }

  render(markdown: string): Promise<string | undefined> {
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, markdown, resolve });
      this.startNext();
    });
  }

  private spawn(): Worker {
    this.isReady = false;
    const worker = new Worker(...workerSource());
    worker.unref();
    worker.on("message", (message: { ready: true } | { id: number; html: string }) => {
      if (this.worker !== worker) return;
      if ("ready" in message) {
        this.isReady = true;
        this.post();
      } else if (this.running?.id === message.id) this.finish(message.html);
    });
    worker.on("error", () => this.stopWorker(worker));
    worker.on("exit", () => this.stopWorker(worker));
    return worker;
  }

  private startNext(): void {
    if (this.running) return;
    this.running = this.queue.shift();
    if (!this.running) return;
    if (!this.worker) this.worker = this.spawn();
    else this.post();
  }

  /** Hands the running job to a ready worker and starts its clock. */
  private post(): void {
    if (!this.running || !this.worker || !this.isReady) return;
    const worker = this.worker;
    this.timer = setTimeout(() => this.stopWorker(worker), PREVIEW_MAX_MS);
    worker.postMessage({ id: this.running.id, markdown: this.running.markdown });
  }

  private finish(html: string | undefined): void {
    clearTimeout(this.timer);
    const job = this.running;
    this.running = undefined;
    job?.resolve(html);
    this.startNext();
  }

  /** Ends a worker that overran, failed or exited; the job it held gets no preview. */
  private stopWorker(worker: Worker): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    void worker.terminate();
    if (this.running) this.finish(undefined);
  }
}

/** The worker's code: the compiled module, or under tsx the source loaded through tsx's loader. */
function workerSource(): ConstructorParameters<typeof Worker> {
  if (!import.meta.url.endsWith(".ts")) return [new URL("./markdown-worker.js", import.meta.url)];
  const source = JSON.stringify(new URL("./markdown-worker.ts", import.meta.url).href);
  return [
    `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${source}); })`,
    { eval: true },
  ];
}

const renderer = new PreviewRenderer();

/**
 * The editor's live preview of article Markdown as sanitised HTML, or undefined when the text is
 * too long or took longer than PREVIEW_MAX_MS to render (the story itself can still be saved).
 */
export async function renderArticlePreview(markdown: string): Promise<string | undefined> {
  if (markdown.length > PREVIEW_MAX_CHARS) return undefined;
  return renderer.render(markdown);
}

/**
 * Starts the preview worker if none runs, so an editor opening the story gets its first live
 * preview without waiting for the worker to load (over a second on a cold start).
 */
export function warmArticlePreview(): void {
  renderer.warm();
}
