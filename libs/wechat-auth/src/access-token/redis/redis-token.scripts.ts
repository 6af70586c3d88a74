/**
 * Deletes KEYS[1] only while its JSON value holds the access token ARGV[1]: reading and deleting
 * in one script, so a token another instance has just stored is never dropped.
 */
export const DELETE_IF_TOKEN_MATCHES = `
local value = redis.call('GET', KEYS[1])
if not value then
  return 0
end
local ok, token = pcall(cjson.decode, value)
if ok and type(token) == 'table' and token.accessToken == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

/** Deletes the lock KEYS[1] only while its owner is ARGV[1]. */
export const RELEASE_LOCK_IF_OWNER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;
