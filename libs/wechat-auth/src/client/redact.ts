const SECRET_PARAMS =
  /\b(access_token|secret|appsecret|cloudbase_access_token|component_access_token|component_appsecret|authorizer_access_token|authorizer_refresh_token|component_verify_ticket)=([^&\s"']+)/gi;

/** Masks token and secret query parameters in a text that may quote a URL. */
export function redactSecrets(text: string): string {
  return text.replace(SECRET_PARAMS, '$1=***');
}

/** Query-string encoding per RFC 3986 (also `!'()*`), so merchant order numbers travel intact. */
export function encodeQuery(params: Record<string, string | undefined>): string {
  // A loop rather than entries/filter/map/join: this runs on every API call.
  let query = '';
  for (const key of Object.keys(params)) {
    const value = params[key];
    if (value !== undefined) {
      query += `${query === '' ? '' : '&'}${key}=${encodeRfc3986(value)}`;
    }
  }
  return query;
}

const SUB_DELIMS = /[!'()*]/g;

function encodeRfc3986(value: string): string {
  const encoded = encodeURIComponent(value);
  // Most values (openids, transaction ids, tokens) have none of these.
  return /[!'()*]/.test(encoded)
    ? encoded.replace(SUB_DELIMS, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    : encoded;
}
