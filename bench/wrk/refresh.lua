-- wrk script of bench/login.py: refresh-token rotation. Each thread holds one connection and
-- one refresh token family: every request exchanges the thread's current refresh token and the
-- response's new refresh token replaces it, as a client that rotates does.
--
-- Environment:
--   BENCH_CLIENT_ID        the public client the tokens belong to
--   BENCH_REFRESH_TOKENS   one refresh token per thread, comma-separated

local tokens = {}
for token in string.gmatch(os.getenv("BENCH_REFRESH_TOKENS") or "", "[^,]+") do
  table.insert(tokens, token)
end
local client_id = os.getenv("BENCH_CLIENT_ID")
local threads = {}
local next_index = 1

function setup(thread)
  thread:set("initial", tokens[next_index])
  next_index = next_index + 1
  table.insert(threads, thread)
end

function init(args)
  current = initial
  non_2xx = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
  local body = "grant_type=refresh_token&client_id=" .. client_id .. "&refresh_token=" .. current
  return wrk.format("POST", nil, nil, body)
end

function response(status, headers, body)
  if status ~= 200 then
    non_2xx = non_2xx + 1
    return
  end
  local token = string.match(body, '"refresh_token":%s*"([^"]+)"')
  if token then
    current = token
  end
end

function done(summary, latency, requests)
  local non_2xx_total = 0
  for _, thread in ipairs(threads) do
    non_2xx_total = non_2xx_total + thread:get("non_2xx")
  end
  local errors = summary.errors
  io.write(string.format(
    "BENCH_RESULT {\"requests\": %d, \"duration_us\": %d, \"p50_us\": %d, \"p99_us\": %d, "
      .. "\"non_2xx\": %d, \"connect\": %d, \"read\": %d, \"write\": %d, \"timeout\": %d}\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    non_2xx_total, errors.connect, errors.read, errors.write, errors.timeout
  ))
end
