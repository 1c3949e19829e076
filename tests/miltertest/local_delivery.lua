-- local_delivery - Sendmail passes {rcpt_mailer} with each RCPT: outbound
-- PHI to a recipient its "local" mailer delivers is accepted and tagged by
-- the shipped policy (rule phi-local); to an "esmtp" recipient, or to one
-- whose RCPT came without the macro, it is escrowed, which this runner's
-- configuration (no escrow keys) answers with a temporary failure.
dofile(LIBDIR .. "/lib.lua")

local conn_macros = phi.sendmail_connect("mx.example.org", "localhost [127.0.0.1]")
local headers = {{"From", "alice@mx.example.org"}, {"Subject", "Referral"}}
local body = "Patient: Diego Lopez\r\nDOB: 2001-10-08\r\nMRN: MR42693171\r\n" ..
             "Reason for referral: heart failure (I50.9), not at goal despite current therapy.\r\n" ..
             "Current medications: furosemide 40 mg daily.\r\n"
local function rcpt(mailer, host, addr) return {"{rcpt_mailer}", mailer, "{rcpt_host}", host, "{rcpt_addr}", addr} end
local function refused(r) return r == SMFIR_TEMPFAIL or r == SMFIR_REPLYCODE end

phi.main(function()
phi.start()

local function one(label, qid, rcpts, rcpt_macros)
  local conn = phi.connect()
  phi.open(conn, {label = label, connect = conn_macros, host = "localhost", addr = "127.0.0.1"})
  local r = phi.message(conn, {label = label, mail = {"i", qid}, from = "<alice@mx.example.org>",
                               rcpts = rcpts, rcpt_macros = rcpt_macros, headers = headers, body = body})
  return conn, r
end

local conn, r = one("local mailbox", "5A0000000A", {"<doc@mx.example.org>"},
                    {rcpt("local", "mx.example.org", "doc")})
phi.check("local mailbox: delivered", r == SMFIR_CONTINUE or r == SMFIR_ACCEPT, "reply " .. tostring(r))
phi.check("local mailbox: tagged", mt.eom_check(conn, MT_HDRADD, "X-PHI-Classification"), "no tag header added")
phi.check("local mailbox: not routed", not mt.eom_check(conn, MT_HDRADD, "X-PHI-Route"), "route header added")
mt.disconnect(conn)

conn, r = one("esmtp recipient", "5A0000000B", {"<gp@clinic.example>"},
              {rcpt("esmtp", "mx.clinic.example", "gp@clinic.example")})
phi.check("esmtp recipient: escrowed (tempfail without escrow keys)", refused(r), "reply " .. tostring(r))
mt.disconnect(conn)

conn, r = one("no rcpt macros", "5A0000000C", {"<doc@mx.example.org>"}, nil)
phi.check("no {rcpt_mailer}: not local, escrowed", refused(r), "reply " .. tostring(r))
mt.disconnect(conn)

conn, r = one("two recipients", "5A0000000D", {"<doc@mx.example.org>", "<gp@clinic.example>"},
              {rcpt("local", "mx.example.org", "doc"), rcpt("esmtp", "mx.clinic.example", "gp@clinic.example")})
phi.check("local + esmtp: the esmtp recipient's escrow decides the message", refused(r), "reply " .. tostring(r))
mt.disconnect(conn)

-- Macros of one RCPT must not carry over to the next message on the connection.
conn = phi.connect()
phi.open(conn, {label = "reuse", connect = conn_macros, host = "localhost", addr = "127.0.0.1"})
r = phi.message(conn, {label = "reuse 1", mail = {"i", "5A0000000E"}, from = "<alice@mx.example.org>",
                       rcpts = {"<doc@mx.example.org>"}, rcpt_macros = {rcpt("local", "mx.example.org", "doc")},
                       headers = headers, body = body})
phi.check("same connection, first message: delivered", r == SMFIR_CONTINUE or r == SMFIR_ACCEPT, "reply " .. tostring(r))
r = phi.message(conn, {label = "reuse 2", mail = {"i", "5A0000000F"}, from = "<alice@mx.example.org>",
                       rcpts = {"<doc@mx.example.org>"}, headers = headers, body = body})
phi.check("same connection, next message without {rcpt_mailer}: escrowed", refused(r), "reply " .. tostring(r))
mt.disconnect(conn)

mt.sleep(0.5)
local log = phi.log_text()
phi.check("decisions logged by rule",
          log:find("5A0000000A: policy: direction=outbound mode=enforce rcpt=1 accept=1 rules=phi-local", 1, true) ~= nil,
          "log:\n" .. log)
phi.check("per-recipient line says local delivery",
          log:find("5A0000000A: policy: recipient domain=mx.example.org tls=may delivery=local action=accept rule=phi-local", 1, true) ~= nil,
          "log:\n" .. log)
phi.check("mixed message: one accept, one escrow",
          log:find("5A0000000D: policy: direction=outbound mode=enforce rcpt=2 accept=1 escrow=1 rules=phi-local,phi-insecure", 1, true) ~= nil,
          "log:\n" .. log)
phi.check("no local part in the log", log:find("doc@", 1, true) == nil and log:find("gp@", 1, true) == nil, "log:\n" .. log)
end)
