-- wrk script for scripts/load-test.sh: POSTs the body in $BODY_FILE to the URL's path and counts answers by status
-- class; at the end prints one machine-readable line:
--   RESULT requests=N rps=R p50_ms=A p99_ms=B s2xx=… s4xx=… s5xx=… errors=…
local body_file = os.getenv("BODY_FILE")
local f = assert(io.open(body_file, "rb"), "cannot read BODY_FILE " .. tostring(body_file))
local body = f:read("*a")
f:close()

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  s2xx, s4xx, s5xx, other = 0, 0, 0, 0
end

function response(status, headers, body)
  if status >= 500 then s5xx = s5xx + 1
  elseif status >= 400 then s4xx = s4xx + 1
  elseif status >= 200 and status < 300 then s2xx = s2xx + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local c2, c4, c5, co = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    c2 = c2 + t:get("s2xx"); c4 = c4 + t:get("s4xx"); c5 = c5 + t:get("s5xx"); co = co + t:get("other")
  end
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  io.write(string.format("RESULT requests=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f s2xx=%d s4xx=%d s5xx=%d other=%d errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, c2, c4, c5, co, socket))
end
