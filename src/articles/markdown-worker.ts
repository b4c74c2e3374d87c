// Renders article Markdown off the main thread for the editor's preview (see markdown-preview.ts).
import { parentPort } from "node:worker_threads";
import { renderArticleMarkdown } from "./markdown.js";

parentPort?.on("message", (job: { id: number; markdown: string }) => {
  parentPort?.postMessage({ id: job.id, html: renderArticleMarkdown(job.markdown) });
});
parentPort?.postMessage({ ready: true });
