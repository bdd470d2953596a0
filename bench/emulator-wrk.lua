-- wrk script: POST valid /identity/documents/uploads/get requests to the Plaid emulator.
-- Cycles over TOKENS distinct Sandbox tokens (default 1000) so the fixture cache is exercised,
-- with prebuilt requests so wrk spends no CPU building them.
local tokens = tonumber(os.getenv("TOKENS") or "1000")
local requests = {}
local counter = 0

function init(args)
  local headers = {
    ["Content-Type"] = "application/json",
    ["PLAID-CLIENT-ID"] = "bench-client",
    ["PLAID-SECRET"] = "bench-secret",
    ["Plaid-Version"] = "2020-09-14",
  }
  for i = 1, tokens do
    local body = string.format('{"access_token":"access-sandbox-bench-%d"}', i)
    requests[i] = wrk.format("POST", "/identity/documents/uploads/get", headers, body)
  end
end

function request()
  counter = counter + 1
  return requests[(counter % tokens) + 1]
end
-- No response() callback: wrk then skips body parsing; it still reports "Non-2xx or 3xx".
