/**
 * Query parameters that only track the reader (campaign tags, click ids): a link is the same
 * link without them, and a page is the same page. Used to clean links from feeds and to key the
 * page cache.
 */

/** Query parameters that only track the reader; exact names, compared lower-case. */
// biome-ignore format: a packed list of names reads better than one per line
const TRACKING_PARAMS = new Set([
  "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "twclid", "ttclid",
  "mkt_tok", "_ga", "_gl", "vero_id", "vero_conv", "ncid", "ref_src", "s_cid", "__twitter_impression",
  "oly_anon_id", "oly_enc_id", "rb_clickid", "wickedid", "_openstat", "spm", "guccounter",
]);
/** Query parameter prefixes that only track the reader (utm_source, mc_cid, _hsenc, pk_campaign…). */
const TRACKING_PREFIXES = ["utm_", "mc_", "_hs", "hsa_", "pk_", "mtm_", "matomo_", "stm_"];

/** True for a parameter that only tracks the reader (utm_source, fbclid, gclid, mc_cid…). */
export function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  return TRACKING_PARAMS.has(lower) || TRACKING_PREFIXES.some((prefix) => lower.startsWith(prefix));
}
