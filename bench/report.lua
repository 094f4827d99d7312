-- wrk script: an optional POST body or cookie from the environment, or several people taking
-- turns (WRK_PEOPLE: a file of "cookie<TAB>body" lines, body empty for a GET); and a JSON
-- summary at the end.
local body = os.getenv("WRK_BODY")
if body then
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
local cookie = os.getenv("WRK_COOKIE")
if cookie then wrk.headers["Cookie"] = cookie end

local people = {}
local people_file = os.getenv("WRK_PEOPLE")
if people_file then
  for line in io.lines(people_file) do
    local person_cookie, person_body = line:match("^(.-)\t(.*)$")
    table.insert(people, {cookie = person_cookie, body = person_body})
  end
end

-- wrk's threads take people in turn (with two threads, thread 0 the 1st, 3rd, ...; thread 1
-- the 2nd, 4th, ...), so the requests in flight at once are for different people. WRK_THREADS
-- is the -t that bench/run.py gave wrk.
local stride = tonumber(os.getenv("WRK_THREADS") or "1")
local threads = 0
function setup(thread)
  thread:set("first", threads)
  threads = threads + 1
end

-- Defined only for people: wrk's own request loop is cheaper, and the ceiling must not pay
-- for a script it does not need.
if #people > 0 then
  local turn
  function request()
    turn = turn and (turn + stride) % #people or first % #people
    local person = people[turn + 1]
    local headers = {Cookie = person.cookie}
    if person.body == "" then return wrk.format("GET", nil, headers, nil) end
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", nil, headers, person.body)
  end
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'JSON {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, errors))
end
