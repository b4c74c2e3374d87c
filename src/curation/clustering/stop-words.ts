/**
 * Words that say nothing about which event a text reports: English function words, reporting
 * verbs and calendar words that every news item uses. Compared after lower-casing and folding
 * diacritics, before stemming.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against ago all almost along already also although always am among an and
  another any anyone anything are around as at away back be became because become been before being
  below between both but by can cannot could did do does doing done down during each either else enough
  even ever every few for from further get gets getting give given go goes going got had has have having
  he her here hers herself him himself his how however i if in including inside instead into is it its
  itself just last least less like made make makes many may me might more most much must my myself near
  nearly neither never new next no nor not now of off often on once one only onto or other others our
  ours ourselves out over own per perhaps put rather really same see seen several shall she should since
  so some something soon still such than that the their theirs them themselves then there these they
  this those though through throughout thus to today together tomorrow too toward towards under until
  up upon us very via was way we well were what whatever when where whether which while who whom whose
  why will with within without would yet yesterday you your yours yourself
  said says say saying told tells according announced reports reported reporting report reportedly
  added asked stated statement news update updated latest breaking live week weeks weekend month
  months year years day days time times morning afternoon evening night tonight
  monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun
  mr mrs ms dr st percent per cent`.split(/\s+/),
);
