/** How many leading characters of an openid stay readable, enough to tell requests apart. */
const KEPT = 3;

// Linear: each pattern starts at a literal, keeps at most KEPT characters, then takes the rest
// of the value in one run that nothing has to follow, so no character is tried twice.

/** `/unionids/<openid>`: the path segment, up to `/`, `?`, `#`, whitespace or a quote. */
const OPENID_IN_PATH = new RegExp(
  `(\\/unionids\\/[^/?#&\\s"'\\\\]{0,${KEPT}})[^/?#&\\s"'\\\\]+`,
  'g',
);
/** `openid=<openid>` (also `sub_openid=`): the query value, up to `&`, `#`, whitespace or a quote. */
const OPENID_IN_QUERY = new RegExp(`(openid=[^&#\\s"'\\\\]{0,${KEPT}})[^&#\\s"'\\\\]+`, 'gi');

/**
 * `text` with the openids of logged URLs shortened to their first characters:
 * `/unionids/oUpF8uMuAJO...` becomes `/unionids/oUp***`, `?openid=oUpF8u...` becomes
 * `?openid=oUp***`. An openid names a payer, so logs keep only enough to correlate.
 */
export function maskOpenIds(text: string): string {
  return text.replace(OPENID_IN_PATH, '$1***').replace(OPENID_IN_QUERY, '$1***');
}
