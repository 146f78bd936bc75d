-- wrk script of bench/run.py: one request shape per run and a machine-readable summary line.
--
-- Environment:
--   BENCH_FORM_BODY     when set, every request is a POST of this
--                       application/x-www-form-urlencoded body (the token endpoint);
--                       otherwise every request is a GET.
--   BENCH_COUNT_STATUS  "1" adds a `response` hook that counts every status outside 200..299.
--                       wrk's own counter (errors.status) only sees statuses above 399, but the
--                       hook makes wrk buffer every response and costs it about a quarter of
--                       its throughput on small documents, so it is off by default.

local form_body = os.getenv("BENCH_FORM_BODY")
if form_body ~= nil and form_body ~= "" then
  wrk.method = "POST"
  wrk.body = form_body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

local count_status = os.getenv("BENCH_COUNT_STATUS") == "1"
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non_2xx = 0
end

if count_status then
  function response(status, headers, body)
    if status < 200 or status > 299 then
      non_2xx = non_2xx + 1
    end
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  local non_2xx_total = errors.status
  if count_status then
    non_2xx_total = 0
    for _, thread in ipairs(threads) do
      non_2xx_total = non_2xx_total + thread:get("non_2xx")
    end
  end
  io.write(string.format(
    "BENCH_RESULT {\"requests\": %d, \"duration_us\": %d, \"p50_us\": %d, \"p99_us\": %d, "
      .. "\"non_2xx\": %d, \"connect\": %d, \"read\": %d, \"write\": %d, \"timeout\": %d}\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    non_2xx_total, errors.connect, errors.read, errors.write, errors.timeout
  ))
end
