-- wrk script for bench/run.py, and a JSON summary at the end. Environment:
--   WRK_HEADERS  headers for every request, "Name: value" lines (what the proxy would add)
--   WRK_PEOPLE   a file of "path<TAB>cookie<TAB>body" lines taken in turn, one a request: an
--                empty path is wrk's URL, an empty body makes a GET
--   WRK_ONCE     set: each line once (a save a person makes once, such as sending their
--                answers), then stop; the rate is the lines over the time they took
--   WRK_THREADS  the -t that run.py gave wrk
-- Every request also comes from an address of its own (X-Forwarded-For, as the proxy passes it
-- on), so the portal's limits per address count as they would for that many people.
local headers = {}
for line in (os.getenv("WRK_HEADERS") or ""):gmatch("[^\n]+") do
  local name, value = line:match("^(.-):%s*(.*)$")
  headers[name] = value
end

local people = {}
local people_file = os.getenv("WRK_PEOPLE")
if people_file then
  for line in io.lines(people_file) do
    local path, cookie, body = line:match("^(.-)\t(.-)\t(.*)$")
    table.insert(people, {
      path = path ~= "" and path or nil,
      cookie = cookie ~= "" and cookie or nil,
      body = body ~= "" and body or nil,
    })
  end
end
local once = os.getenv("WRK_ONCE") ~= nil

-- wrk's threads take people in turn (with two threads, thread 0 the 1st, 3rd, ...; thread 1
-- the 2nd, 4th, ...), so the requests in flight at once are for different people.
local stride = tonumber(os.getenv("WRK_THREADS") or "1")
local threads = {}
function setup(thread)
  thread:set("first", #threads)
  table.insert(threads, thread)
end

local sent, turn = 0, nil
function request()
  sent = sent + 1
  local these = {}
  for name, value in pairs(headers) do these[name] = value end
  -- 10.<thread>.x.y: 65,536 addresses a thread before one comes round again.
  these["X-Forwarded-For"] = string.format(
    "10.%d.%d.%d", first, math.floor(sent / 256) % 256, sent % 256)
  if #people == 0 then return wrk.format(nil, nil, these, nil) end
  turn = turn and (turn + stride) % #people or first % #people
  local person = people[turn + 1]
  these["Cookie"] = person.cookie
  if not person.body then return wrk.format("GET", person.path, these, nil) end
  these["Content-Type"] = "application/x-www-form-urlencoded"
  return wrk.format("POST", person.path, these, person.body)
end

if once then
  -- run.py gives one thread for this, so its clock and counts are the run's.
  local ffi = require("ffi")
  ffi.cdef [[
    typedef struct { long sec; long nsec; } bench_clock;
    int clock_gettime(int clock, bench_clock *now);
    int getpid(void);
    int kill(int pid, int signal);
  ]]
  local function now()
    local clock = ffi.new("bench_clock")
    ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
    return tonumber(clock.sec) + tonumber(clock.nsec) / 1e9
  end

  -- wrk asks delay() before each request: a connection with no line left waits until the end.
  local reserved = 0
  function delay()
    if reserved == #people then return 3600000 end
    reserved = reserved + 1
    started = started or now()
    return 0
  end

  -- What came back, as "status location" counts, for run.py to check every response.
  seen = {}
  local answered = 0
  function response(status, response_headers)
    local key = status .. " " .. (response_headers["Location"] or "")
    seen[key] = (seen[key] or 0) + 1
    answered = answered + 1
    if answered == #people then
      finished = now()
      -- SIGINT ends wrk's wait for -d, as Ctrl-C would; done() still runs.
      ffi.C.kill(ffi.C.getpid(), 2)
    end
  end
end

done = function(summary, latency)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  local seconds, seen_json = summary.duration / 1e6, ""
  if once then
    local thread = threads[1]
    seconds = (thread:get("finished") or math.huge) - thread:get("started")
    local parts = {}
    for key, count in pairs(thread:get("seen")) do
      table.insert(parts, string.format('"%s": %d', key, count))
    end
    seen_json = ', "responses": {' .. table.concat(parts, ", ") .. "}"
  end
  io.write(string.format(
    'JSON {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, '
      .. '"errors": %d%s}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, errors, seen_json))
end
