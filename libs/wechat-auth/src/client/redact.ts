const SECRET_PARAMS = /\b(access_token|secret|appsecret|cloudbase_access_token)=([^&\s"']+)/gi;

/** Masks token and secret query parameters in a text that may quote a URL. */
export function redactSecrets(text: string): string {
  return text.replace(SECRET_PARAMS, '$1=***');
}

/** Query-string encoding per RFC 3986 (also `!'()*`), so merchant order numbers travel intact. */
export function encodeQuery(params: Record<string, string | undefined>): string {
  return Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${encodeRfc3986(value)}`)
    .join('&');
}

const encodeRfc3986 = (value: string): string =>
  encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
