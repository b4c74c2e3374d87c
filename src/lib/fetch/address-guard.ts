import dns from "node:dns";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { FetchError } from "./fetch-error.js";

/**
 * Addresses outside ipaddr.js's special ranges that still reach cloud control planes.
 * 169.254.169.254 (AWS/GCP/Azure IMDS) and fd00:ec2::254 are already link-local / unique-local.
 */
const METADATA_RANGES: ReadonlyArray<[ipaddr.IPv4 | ipaddr.IPv6, number]> = [
  ipaddr.parseCIDR("168.63.129.16/32"), // Azure WireServer: a public address that answers only inside Azure
  ipaddr.parseCIDR("100.100.100.200/32"), // Alibaba Cloud metadata (also inside CGNAT, listed for clarity)
  ipaddr.parseCIDR("192.0.0.192/32"), // Oracle Cloud metadata (also in 192.0.0.0/24, reserved)
];

/**
 * True when `address` is not a plain public unicast address: loopback, private (RFC 1918),
 * link-local, unique-local, multicast, unspecified, broadcast, CGNAT, reserved or documentation
 * ranges, IPv6 transition prefixes that can embed a private IPv4 (NAT64, 6to4, Teredo), or a cloud
 * metadata address. IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is judged as the IPv4 it carries.
 * Anything that does not parse as an IP is blocked.
 */
export function isBlockedAddress(address: string): boolean {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  if (!ipaddr.isValid(bare)) return true;
  // process() unwraps IPv4-mapped IPv6 so "::ffff:10.0.0.1" is checked as 10.0.0.1.
  const parsed = ipaddr.process(bare);
  // An allow-list of one range: every special range ipaddr.js knows is refused.
  if (parsed.range() !== "unicast") return true;
  return METADATA_RANGES.some(
    ([network, bits]) => network.kind() === parsed.kind() && parsed.match(network, bits),
  );
}

/** Resolves a host name to every address it has; injectable so tests need no real DNS. */
export type ResolveHost = (hostname: string) => Promise<dns.LookupAddress[]>;

/** The system resolver (getaddrinfo), as `http.request` would use it. */
export const resolveWithSystemDns: ResolveHost = (hostname) =>
  dns.promises.lookup(hostname, { all: true, verbatim: true });

/**
 * A `lookup` for `http.request` that resolves with `resolveHost` and refuses the connection when
 * any address is blocked. The socket connects to the address validated here, so a DNS answer that
 * changes between check and use (rebinding) cannot slip through.
 */
export function createGuardedLookup(options: {
  allowPrivate: boolean;
  resolveHost: ResolveHost;
}): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    options
      .resolveHost(hostname)
      .then((resolved) => {
        const wanted =
          lookupOptions.family === 4 || lookupOptions.family === 6
            ? resolved.filter((entry) => entry.family === lookupOptions.family)
            : resolved;
        if (wanted.length === 0) {
          throw new FetchError("dns", `${hostname} has no address`);
        }
        if (!options.allowPrivate) {
          // Refuse the host if any answer is private: a mixed answer is a rebinding attempt.
          const blocked = wanted.find((entry) => isBlockedAddress(entry.address));
          if (blocked) {
            throw new FetchError(
              "blocked-address",
              `${hostname} resolves to ${blocked.address}, a private or reserved address`,
            );
          }
        }
        if (lookupOptions.all) callback(null, wanted);
        else callback(null, wanted[0].address, wanted[0].family);
      })
      .catch((error: unknown) => {
        callback(toLookupError(hostname, error), "", 0);
      });
  };
}

function toLookupError(hostname: string, error: unknown): NodeJS.ErrnoException {
  if (error instanceof FetchError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return new FetchError("dns", `cannot resolve ${hostname}${code ? ` (${code})` : ""}`, { cause: error });
}
