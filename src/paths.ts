import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

function findProjectRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

/** The package folder; templates and themes are read from here whether code runs from src/ or dist/. */
export const projectRoot = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));
export const themesDir = path.join(projectRoot, "themes");
export const srcDir = path.join(projectRoot, "src");
