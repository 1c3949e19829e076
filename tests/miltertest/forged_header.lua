-- forged_header - a TLS-Provenance header that claims our authserv-id but
-- arrives from outside is deleted (MT_HDRCHANGE with an empty value) before
-- ours is inserted; another host's header is left alone; two messages on one
-- connection are each stamped once.
dofile(LIBDIR .. "/lib.lua")

local conn_macros = phi.sendmail_connect("mx.example.org", "client.example.net [192.0.2.4]")
local tls = {"{tls_version}", "TLSv1.3", "{cipher}", "TLS_AES_256_GCM_SHA384", "{cipher_bits}", "256", "{verify}", "OK"}
local want = "tls=encrypted; version=TLSv1.3; cipher=TLS_AES_256_GCM_SHA384; bits=256; verify=OK; " ..
             "from=client.example.net; addr=192.0.2.4; auth=no"

phi.main(function()
phi.start()
local conn = phi.connect()
phi.open(conn, {label = "open", connect = conn_macros, helo_macros = tls})

-- Message 1: a forged copy (our id, different case and spacing) next to an
-- earlier hop's legitimate header.
phi.message(conn, {
  label = "forged", mail = {"i", "1A2B3C4D5E"},
  headers = {{"TLS-Provenance", "relay.example.net; tls=plaintext; from=x; addr=192.0.2.9; auth=no; time=2026-01-01T00:00:00Z"},
             {"tls-provenance", "  " .. AUTHSERV:upper() .. " ; tls=encrypted; version=TLSv1.3"},
             {"From", "alice@example.net"}, {"Subject", "forged"}}})
phi.check_stamp(conn, "forged", want)
phi.check("forged: a TLS-Provenance field was deleted",
          mt.eom_check(conn, MT_HDRCHANGE, "TLS-Provenance", ""), "no MT_HDRCHANGE to an empty value")
phi.check("forged: nothing else was changed", not mt.eom_check(conn, MT_HDRCHANGE, "From"), "From changed")

-- Message 2 on the same connection: only another host's header; nothing deleted.
phi.message(conn, {
  label = "clean", mail = {"i", "2B3C4D5E6F"},
  headers = {{"TLS-Provenance", "relay.example.net; tls=encrypted; version=TLSv1.2"},
             {"From", "alice@example.net"}, {"Subject", "clean"}}})
phi.check_stamp(conn, "second message, same connection", want)
phi.check("clean: no header deleted", not mt.eom_check(conn, MT_HDRCHANGE, "TLS-Provenance"), "a header was changed")

-- Message 3 after an aborted transaction: still stamped once.
mt.macro(conn, SMFIC_MAIL, "i", "3C4D5E6F7A")
mt.mailfrom(conn, "<alice@example.net>")
mt.rcptto(conn, "<bob@example.org>")
mt.header(conn, "TLS-Provenance", AUTHSERV .. "; tls=encrypted")
phi.check("abort: accepted", mt.abort(conn) == nil, "mt.abort failed")
phi.message(conn, {label = "after abort", mail = {"i", "4D5E6F7A8B"}})
phi.check_stamp(conn, "after abort", want)
mt.disconnect(conn)

mt.sleep(0.5)
local log = phi.log_text()
phi.check("forged: removal logged with the queue id",
          log:find("1A2B3C4D5E: provenance: removed 1 forged TLS-Provenance", 1, true) ~= nil, "log:\n" .. log)
end)
