import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

/** A Broadsheet node started as operators start one (`cli serve`), in its own process. */
export interface NodeProcess {
  name: string;
  origin: string;
  pid: number;
  child: ChildProcess;
  /** Everything the node logged so far (one JSON object a line). */
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after 15 s; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `tsx src/cli.ts serve` on a port of its own; resolves once it says it is listening. */
export async function startNode(name: string, env: Record<string, string>): Promise<NodeProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "serve", "--port", "0"], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`startNode ${name}: could not start a process`);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`startNode ${name}: not listening within 60 s; it logged:\n${output}`)),
      60_000,
    );
    const look = () => {
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", look);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`startNode ${name}: exited (code ${code}) before listening; it logged:\n${output}`));
    });
  });
  return {
    name,
    origin,
    pid: child.pid,
    child,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function findPgBin(name: string): string | undefined {
  const base = "/usr/lib/postgresql";
  if (!fs.existsSync(base)) return undefined;
  for (const version of fs.readdirSync(base).sort((a, b) => Number(b) - Number(a))) {
    const candidate = path.join(base, version, "bin", name);
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** A PostgreSQL cluster of the test's own, to stop, restart and freeze without touching anyone else's. */
export interface ThrowawayPostgres {
  url: string;
  /** Stops the server (fast shutdown: connections are cut). */
  stop(): void;
  start(): void;
  /** SIGSTOP (true) or SIGCONT (false) to the server and every backend: it hangs without a word. */
  freeze(frozen: boolean): void;
  destroy(): void;
}

/**
 * initdb + pg_ctl in a temporary folder on a free port (as the postgres user when run as root);
 * undefined, with the reason, when the machine has no PostgreSQL server binaries.
 */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres | { unavailable: string }> {
  const initdb = findPgBin("initdb");
  const pgCtl = findPgBin("pg_ctl");
  if (!initdb || !pgCtl)
    return { unavailable: "no initdb/pg_ctl under /usr/lib/postgresql (apt-get install postgresql)" };
  const asRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "broadsheet-pg-"));
  if (asRoot) spawnSync("chown", ["-R", "postgres", dir]);
  const run = (args: string[]) => {
    const result = asRoot
      ? spawnSync("runuser", ["-u", "postgres", "--", ...args], { encoding: "utf8" })
      : spawnSync(args[0], args.slice(1), { encoding: "utf8" });
    if (result.status !== 0)
      throw new Error(
        `${path.basename(args[0])} failed (${result.status}): ${result.stderr || result.error}`,
      );
  };
  const data = path.join(dir, "data");
  try {
    run([initdb, "-D", data, "-U", "postgres", "-A", "trust", "--no-sync"]);
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    return { unavailable: (error as Error).message };
  }
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () => run([pgCtl, "-D", data, "-o", options, "-l", path.join(dir, "log"), "-w", "start"]);
  const stop = () => run([pgCtl, "-D", data, "-m", "fast", "-w", "stop"]);
  start();
  // The server and its children (backends, checkpointer, …), read from /proc: Linux only, no procps needed.
  const processes = () => {
    const postmaster = Number(fs.readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);
    const children = fs
      .readdirSync("/proc")
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
          return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === postmaster;
        } catch {
          return false;
        }
      })
      .map(Number);
    return [postmaster, ...children];
  };
  const cluster: ThrowawayPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    freeze(frozen) {
      for (const pid of processes()) {
        try {
          process.kill(pid, frozen ? "SIGSTOP" : "SIGCONT");
        } catch {
          // A backend that ended meanwhile.
        }
      }
    },
    destroy() {
      try {
        cluster.freeze(false);
        stop();
      } catch {
        // Already stopped.
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}
