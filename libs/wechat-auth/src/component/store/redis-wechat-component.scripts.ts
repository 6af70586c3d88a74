/**
 * Newest wins, atomically: stores the JSON record ARGV[1] at KEYS[1] unless the record stored
 * there has a number field ARGV[2] greater than ARGV[3]. A stored value that is not such a record
 * is replaced. Plain `SET`: no TTL (a refresh token must not expire with a cache). Returns 1 when
 * it stored, 0 when a newer record stays.
 */
export const SAVE_UNLESS_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, stored = pcall(cjson.decode, current)
  if ok and type(stored) == 'table' then
    local at = tonumber(stored[ARGV[2]])
    if at and at > tonumber(ARGV[3]) then
      return 0
    end
  end
end
redis.call('SET', KEYS[1], ARGV[1])
return 1
`;
