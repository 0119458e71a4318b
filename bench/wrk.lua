-- wrk script of the load run (bench/load.py).
--
--   wrk ... -s bench/wrk.lua http://127.0.0.1:PORT -- COOKIE METHOD TARGET EXPECTED [BODYFILE THREADS]
--
-- GET: every request asks for TARGET (a path). POST: TARGET is a file of paths, one a line; the
-- THREADS threads take them in turn (thread i the i-th, i+THREADS-th...), each path once, with
-- the body in BODYFILE. A response whose status is not EXPECTED counts as an error (wrk itself only counts
-- 4xx/5xx, so a GET redirected to the login page would look fine). Prints one RESULT line.

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("number", thread_count)
  table.insert(threads, thread)
end

local function read_lines(name)
  local lines = {}
  for line in io.lines(name) do
    if line ~= "" then table.insert(lines, line) end
  end
  return lines
end

function init(args)
  cookie, method, target, expected = args[1], args[2], args[3], tonumber(args[4])
  unexpected = 0
  headers = { ["Cookie"] = cookie, ["Host"] = "127.0.0.1" }
  if method == "POST" then
    paths = read_lines(target)
    local file = io.open(args[5], "rb")
    body = file:read("*a")
    file:close()
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    step = tonumber(args[6])
    position = number
  end
end

function request()
  if method ~= "POST" then
    return wrk.format("GET", target, headers)
  end
  -- Out of fresh paths: a path that answers 404, so the run shows errors rather than
  -- repeating a step already taken.
  local path = paths[position] or "/bench/supply-exhausted/"
  position = position + step
  return wrk.format("POST", path, headers, body)
end

function response(status, response_headers, response_body)
  if status ~= expected then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do
    wrong = wrong + (thread:get("unexpected") or 0)
  end
  local errors = summary.errors
  local socket_errors = errors.connect + errors.read + errors.write + errors.timeout
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d socket_errors=%d unexpected=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), socket_errors, wrong))
end
