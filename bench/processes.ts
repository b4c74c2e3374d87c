import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A server started by the bench in its own process, with the tail of its output for error reports. */
export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  origin: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `node <args>` with `env`, keeping the last lines of its output. */
export function startNodeProcess(
  args: string[],
  env: Record<string, string | undefined>,
  cwd: string,
  origin: string,
): ServerProcess {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let tail = "";
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString("utf8")).slice(-8000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  if (child.pid === undefined) throw new Error(`bench: could not start node ${args.join(" ")}`);
  return {
    child,
    pid: child.pid,
    origin,
    output: () => tail,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resolves once `url` answers any HTTP status; rejects after `timeoutMs` or when the process exits. */
export async function waitUntilListening(
  server: ServerProcess,
  path: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null)
      throw new Error(
        `bench: the server exited (code ${server.child.exitCode}) before listening:\n${server.output()}`,
      );
    try {
      await fetch(server.origin + path, { signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(
    `bench: ${server.origin}${path} did not answer within ${timeoutMs} ms:\n${server.output()}`,
  );
}

/** Resident set size of a process in bytes (Linux /proc, else `ps`); undefined when it cannot be read. */
export function residentBytes(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (match) return Number(match[1]) * 1024;
  } catch {
    // Not Linux, or the process is gone: try ps below.
  }
  try {
    const kb = Number(execFileSync("ps", ["-o", "rss=", "-p", String(pid)], { encoding: "utf8" }).trim());
    return Number.isFinite(kb) && kb > 0 ? kb * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Linux reports a process's CPU time in clock ticks of 1/100 s (USER_HZ) on every common architecture. */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time a process has used so far (user + system, every thread) in seconds; undefined off Linux. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name in parentheses may hold spaces; utime and stime are the 14th and 15th fields.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `intervalMs` until stopped; reports the peak and the last sample. */
export function sampleResidentMemory(pid: number, intervalMs = 200) {
  let peak = 0;
  let last = 0;
  const take = () => {
    const bytes = residentBytes(pid);
    if (bytes !== undefined) {
      last = bytes;
      peak = Math.max(peak, bytes);
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop(): { peakBytes: number; lastBytes: number } {
      clearInterval(timer);
      take();
      return { peakBytes: peak, lastBytes: last };
    },
  };
}
