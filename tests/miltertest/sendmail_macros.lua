-- sendmail_macros - phimilter stamps TLS-Provenance from Sendmail's macro set,
-- including {verify}, {cert_subject}, {cert_issuer} and {auth_authen}; one
-- connection per case, values checked exactly (apart from the timestamp).
dofile(LIBDIR .. "/lib.lua")

local J = "mx.example.org"
local TLS13 = {"{tls_version}", "TLSv1.3", "{cipher}", "TLS_AES_256_GCM_SHA384", "{cipher_bits}", "256",
               "{verify}", "OK", "{cert_subject}", "/C=US/O=Example Clinic/CN=mta.clinic.example",
               "{cert_issuer}", "/C=US/O=Example CA/CN=Example Issuing CA"}
-- miltertest sends at most about 1 kB of macros per stage; the
-- 10 kB cases are in tests/unit/provenance/hop_header_test.cc.
local long = string.rep("A", 600)

local cases = {
  { label = "TLSv1.3, client certificate verified, SMTP AUTH",
    host = "mta.clinic.example", addr = "192.0.2.4",
    connect = phi.sendmail_connect(J, "mta.clinic.example [192.0.2.4]"),
    helo_macros = TLS13,
    mail = {"i", "4AB3C2D1E0", "{auth_type}", "PLAIN", "{auth_authen}", "clinic-relay", "{auth_ssf}", "0",
            "{mail_mailer}", "esmtp", "{mail_host}", "example.net", "{mail_addr}", "alice@example.net"},
    want = "tls=encrypted; version=TLSv1.3; cipher=TLS_AES_256_GCM_SHA384; bits=256; verify=OK; " ..
           "from=mta.clinic.example; addr=192.0.2.4; " ..
           "cert-subject=\"/C=US/O=Example Clinic/CN=mta.clinic.example\"; " ..
           "cert-issuer=\"/C=US/O=Example CA/CN=Example Issuing CA\"; auth=yes",
    queue_id = "4AB3C2D1E0" },
  { label = "TLSv1.2, verification failed, no AUTH",
    host = "legacy.example.com", addr = "198.51.100.7",
    connect = phi.sendmail_connect(J, "legacy.example.com [198.51.100.7]"),
    helo_macros = {"{tls_version}", "TLSv1.2", "{cipher}", "ECDHE-RSA-AES128-GCM-SHA256", "{cipher_bits}", "128",
                   "{verify}", "FAIL", "{cert_subject}", "/CN=legacy.example.com", "{cert_issuer}", "/CN=legacy.example.com"},
    mail = {"i", "5BC4D3E2F1", "{mail_mailer}", "esmtp"},
    want = "tls=encrypted; version=TLSv1.2; cipher=ECDHE-RSA-AES128-GCM-SHA256; bits=128; verify=FAIL; " ..
           "from=legacy.example.com; addr=198.51.100.7; " ..
           "cert-subject=\"/CN=legacy.example.com\"; cert-issuer=\"/CN=legacy.example.com\"; auth=no",
    queue_id = "5BC4D3E2F1" },
  { label = "TLS without a client certificate ({verify} NO)",
    host = "mx2.example.net", addr = "203.0.113.9",
    connect = phi.sendmail_connect(J, "mx2.example.net [203.0.113.9]"),
    helo_macros = {"{tls_version}", "TLSv1.3", "{cipher}", "TLS_AES_128_GCM_SHA256", "{cipher_bits}", "128",
                   "{verify}", "NO"},
    mail = {"i", "6CD5E4F3A2"},
    want = "tls=encrypted; version=TLSv1.3; cipher=TLS_AES_128_GCM_SHA256; bits=128; verify=NO; " ..
           "from=mx2.example.net; addr=203.0.113.9; auth=no",
    queue_id = "6CD5E4F3A2" },
  { label = "plaintext: no TLS macros at all",
    host = "plain.example.net", addr = "192.0.2.77",
    connect = phi.sendmail_connect(J, "plain.example.net [192.0.2.77]"),
    mail = {"i", "7DE6F5A4B3"},
    want = "tls=plaintext; from=plain.example.net; addr=192.0.2.77; auth=no",
    queue_id = "7DE6F5A4B3" },
  { label = "PTR name that failed the forward lookup ({client_resolve} FORGED): not trusted",
    host = "relay.clinic.example", addr = "198.51.100.23",
    connect = {"j", J, "_", "relay.clinic.example [198.51.100.23] (may be forged)", "{daemon_name}", "MTA",
               "{if_name}", J, "{if_addr}", "192.0.2.1", "{client_resolve}", "FORGED"},
    mail = {"i", "9FA8B7C6D5"},
    want = "tls=plaintext; from=unknown; addr=198.51.100.23; auth=no",
    queue_id = "9FA8B7C6D5" },
  { label = "hostile macros: CR/LF, quotes, 600-byte subject",
    host = "evil.example", addr = "192.0.2.66",
    connect = phi.sendmail_connect(J, "evil.example [192.0.2.66]"),
    helo_macros = {"{tls_version}", "TLSv1.3", "{cipher}", "X\r\nBcc: victim@example.org", "{cipher_bits}", "99999999999",
                   "{verify}", "OK\"; tls=forged", "{cert_subject}", long, "{cert_issuer}", "/CN=a\\b"},
    mail = {"i", "8EF7A6B5C4"},
    -- CR/LF dropped, quotes and backslashes escaped, absurd bits left out,
    -- the long subject cut to the value bound (200 bytes) with "...".
    want = "tls=encrypted; version=TLSv1.3; cipher=\"XBcc: victim@example.org\"; " ..
           "verify=\"OK\\\"; tls=forged\"; from=evil.example; addr=192.0.2.66; " ..
           "cert-subject=" .. string.rep("A", 195) .. "...; cert-issuer=\"/CN=a\\\\b\"; auth=no",
    queue_id = "8EF7A6B5C4" },
}

phi.main(function()
phi.start()
for _, t in ipairs(cases) do
  local conn = phi.connect()
  phi.open(conn, t)
  phi.message(conn, t)
  phi.check_stamp(conn, t.label, t.want)
  mt.disconnect(conn)
end

-- Every log line about a message carries its Sendmail queue id ({i}) and
-- never the certificate subject (message metadata stays out of the log).
mt.sleep(0.5)
local log = phi.log_text()
for _, t in ipairs(cases) do
  phi.check(t.label .. ": log line prefixed with queue id " .. t.queue_id,
            log:find("]: " .. t.queue_id .. ": provenance: tls=", 1, true) ~= nil, "log:\n" .. log)
end
end)
