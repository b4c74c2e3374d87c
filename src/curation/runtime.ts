import { HostConcurrencyLimiter } from "./fetcher/schedule.js";
import type { ClusteringRuntime } from "./ingest-service.js";

/** What curation keeps in one node's memory: fetches in flight per host, and the story clusterer. */
export interface CurationRuntime {
  hostLimiter: HostConcurrencyLimiter;
  clustering: ClusteringRuntime;
}

export function createCurationRuntime(): CurationRuntime {
  return {
    hostLimiter: new HostConcurrencyLimiter(),
    clustering: { state: undefined, queue: Promise.resolve() },
  };
}
