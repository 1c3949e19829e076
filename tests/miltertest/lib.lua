-- lib.lua - shared helpers for the miltertest scenarios in tests/miltertest/
--
-- The runner (run.sh) defines, with miltertest -D: PHIMILTER (binary), CONF
-- (generated phimilter.conf), SOCKET (its Socket value), LOG (its LogTarget
-- file), AUTHSERV (its AuthservID) and LIBDIR (this directory). Scenarios
-- start with dofile(LIBDIR .. "/lib.lua") and describe each SMTP transaction
-- as a table:
--   { label = "...", host = "client.example.net", addr = "192.0.2.4",
--     connect = {name, value, ...},   -- SMFIC_CONNECT macros
--     helo_macros = {...}, helo = "client.example.net",
--     mail = {...},                   -- SMFIC_MAIL macros
--     from = "<a@example.net>", rcpts = {"<b@example.org>"},
--     rcpt_macros = {{name, value, ...}, ...}, -- SMFIC_RCPT macros, one list per rcpt
--     headers = {{"From", "a@example.net"}, ...}, body = "text\r\n" }
-- The macro sets follow Sendmail 8.17's defaults (Milter.macros.*), plus
-- {verify}, which Sendmail sends when it is listed in Milter.macros.helo.
-- Sendmail's RCPT macros ({rcpt_mailer}, {rcpt_host}, {rcpt_addr}) are sent
-- only when a scenario gives rcpt_macros.

phi = {}
phi.failures = 0

function phi.fail(label, msg)
  phi.failures = phi.failures + 1
  mt.echo("FAIL - " .. label .. ": " .. msg)
end

function phi.ok(label) mt.echo("ok - " .. label) end

function phi.check(label, cond, msg)
  if cond then phi.ok(label) else phi.fail(label, msg or "condition is false") end
end

-- Escape Lua pattern magic characters so that `s` matches literally.
function phi.literal(s) return (s:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0")) end

-- Sendmail's macro sets for one connection (values are the test's).
function phi.sendmail_connect(j, client) return {"j", j, "_", client, "{daemon_name}", "MTA", "{if_name}", j, "{if_addr}", "192.0.2.1"} end

-- Starts phimilter (miltertest stops it with SIGTERM at the end).
function phi.start() mt.startfilter(PHIMILTER, "-f", "-c", CONF) end

-- A new milter connection (retries while phimilter starts up).
function phi.connect()
  local conn = mt.connect(SOCKET, 60, 0.25)
  if conn == nil then error("cannot connect to phimilter at " .. SOCKET) end
  return conn
end

local function must(label, what, err)
  if err ~= nil then error(label .. ": " .. what .. " failed: " .. tostring(err)) end
end

local function expect_continue(label, conn, what)
  local r = mt.getreply(conn)
  if r ~= SMFIR_CONTINUE then error(label .. ": " .. what .. ": unexpected reply " .. tostring(r)) end
end

local function send_macros(conn, stage, list)
  if list and #list > 0 then mt.macro(conn, stage, table.unpack(list)) end
end

-- Connection-level steps: connect macros, conninfo, HELO macros, HELO.
function phi.open(conn, t)
  send_macros(conn, SMFIC_CONNECT, t.connect)
  must(t.label, "conninfo", mt.conninfo(conn, t.host or "client.example.net", t.addr or "192.0.2.4"))
  expect_continue(t.label, conn, "connect")
  send_macros(conn, SMFIC_HELO, t.helo_macros)
  must(t.label, "helo", mt.helo(conn, t.helo or t.host or "client.example.net"))
  expect_continue(t.label, conn, "helo")
end

-- One message: MAIL macros, envelope, headers, body, end of message.
-- Returns the reply to end-of-message.
function phi.message(conn, t)
  send_macros(conn, SMFIC_MAIL, t.mail)
  must(t.label, "mailfrom", mt.mailfrom(conn, t.from or "<alice@example.net>"))
  expect_continue(t.label, conn, "mailfrom")
  for i, r in ipairs(t.rcpts or {"<bob@example.org>"}) do
    if t.rcpt_macros then send_macros(conn, SMFIC_RCPT, t.rcpt_macros[i]) end
    must(t.label, "rcptto", mt.rcptto(conn, r))
    expect_continue(t.label, conn, "rcptto")
  end
  for _, h in ipairs(t.headers or {{"From", "alice@example.net"}, {"Subject", "test"}}) do
    must(t.label, "header " .. h[1], mt.header(conn, h[1], h[2]))
    expect_continue(t.label, conn, "header " .. h[1])
  end
  must(t.label, "eoh", mt.eoh(conn))
  expect_continue(t.label, conn, "eoh")
  must(t.label, "body", mt.bodystring(conn, t.body or "Hello.\r\n"))
  expect_continue(t.label, conn, "body")
  must(t.label, "eom", mt.eom(conn))
  return mt.getreply(conn)
end

-- Checks the stamped header: inserted at index 0, value = AUTHSERV; `want`
-- (the keys before time=) ; time=<UTC timestamp>. Returns the value.
function phi.check_stamp(conn, label, want)
  local reply = mt.getreply(conn)
  phi.check(label .. ": end of message accepted", reply == SMFIR_CONTINUE or reply == SMFIR_ACCEPT,
            "reply " .. tostring(reply))
  local got = mt.getheader(conn, "TLS-Provenance", 0)
  if got == nil then
    phi.fail(label, "no TLS-Provenance header inserted")
    return nil
  end
  local pattern = "^" .. phi.literal(AUTHSERV .. "; " .. want) .. "; time=%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%dZ$"
  phi.check(label .. ": header value", got:match(pattern) ~= nil,
            "got [" .. got .. "], want [" .. AUTHSERV .. "; " .. want .. "; time=...]")
  phi.check(label .. ": inserted at the top (index 0)",
            mt.eom_check(conn, MT_HDRINSERT, "TLS-Provenance", got, 0), "MT_HDRINSERT index 0 not seen")
  phi.check(label .. ": no CR/LF or control characters", got:find("[%c]") == nil, "got [" .. got .. "]")
  return got
end

-- Reads the milter's log file (for queue-id prefixes and PHI-free logging).
function phi.log_text()
  local f = io.open(LOG, "r")
  if f == nil then return "" end
  local s = f:read("a")
  f:close()
  return s
end

-- Runs a scenario's body; miltertest does not print a script's error, so
-- echo it before failing.
function phi.main(body)
  local ok, err = pcall(body)
  if not ok then
    mt.echo("ERROR - " .. tostring(err))
    phi.failures = phi.failures + 1
  end
  if phi.failures > 0 then error(phi.failures .. " check(s) failed") end
  mt.echo("all checks passed")
end
