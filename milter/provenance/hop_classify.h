// NAME
//   hop_classify - the TLS state of one hop from its parsed Received field
// SYNOPSIS
//   struct HopContext { const HostList* internal_hosts; };
//   Hop hop_from_received(const ReceivedParts&, const HopContext&);
//   struct TlsNote { bool found; version, cipher, bits, verify; };
//   TlsNote find_tls_note(const ReceivedParts&);
// DESCRIPTION
//   find_tls_note() recognises the TLS notes MTAs write into Received:
//     (version=TLSv1.3 cipher=... bits=256 verify=OK)   Sendmail, Proofpoint,
//         Barracuda, Haraka, Gmail (bits=128/128), Exchange/Office 365 and
//         Mimecast (comma separated)
//     (using TLSv1.3 with cipher X (256/256 bits) key-exchange ...)
//         Postfix (old and new forms), Stalwart, MDaemon
//     (TLS1.3) / (TLSv1.2:CIPHER:256) / (TLSv1.3:CIPHER:256:NO)
//         Exim (GnuTLS and OpenSSL forms), OpenSMTPD
//     tls CIPHER                          RFC 8314 section 4.3 clause, Exim
//     with ESMTP/TLS/CIPHER               Cisco IronPort
//     (CIPHER encrypted)                  qmail with the TLS patch
//     (TLS: TLSv1.2,256bits,CIPHER)       Courier
//     (Google Transport Security), (TLS), with ... STARTTLS
//   and the RFC 3848 protocol types (ESMTPS, ESMTPSA, LMTPS, UTF8SMTPS,
//   SMTPS, ...). Versions are normalised to TLSv1 ... TLSv1.3.
//
//   The client's HELO argument is its own text: in a comment everything
//   from a HELO/EHLO/LHLO word (qmail, IronPort, CommuniGate) or from
//   "helo=" / "ident=" (Exim) on is ignored when looking for TLS notes,
//   local-submission markers, authentication notes, the address and the
//   reverse DNS name; the from value (Postfix's and Sendmail's HELO) is
//   only a name and a last resort for the address.
//
//   hop_from_received() decides the hop's state:
//     encrypted  the line itself shows TLS (any note above);
//     internal   a hand-off within one host: the sender is a loopback
//                address, "localhost" without an address, a unix socket,
//                "with local"/"local-esmtp", a local submission (Postfix
//                "from userid", Sendmail "/Submit", qmail "invoked by"/
//                "invoked from network"), the sender's address is the one
//                written next to the receiver's name, the sender's name as
//                the MTA looked it up (reverse DNS not "may be forged", or
//                qmail's "from name (HELO x)") equals the receiver's, the
//                HELO name equals the receiver's and no address was
//                recorded or the address is in InternalHosts; or both
//                sender and receiver are InternalHosts;
//     plaintext  an SMTP-family protocol (SMTP, ESMTP, ESMTPA, LMTP,
//                UTF8SMTP, "Microsoft SMTP Server", ...) without TLS
//                between two different hosts (a from clause is present);
//     unknown    nothing of the above is recorded (no with clause, HTTP,
//                Microsoft SMTPSVC which never records TLS, ...).
//   authenticated is set from the RFC 3848 "A" types and from the notes
//   "Authenticated sender", "authenticated bits=", "AUTH:", "AUTH".
// INPUT
//   ReceivedParts from parse_received() (already bounded).
// THREADS
//   Pure; any thread.
#ifndef PHI_PROVENANCE_HOP_CLASSIFY_H
#define PHI_PROVENANCE_HOP_CLASSIFY_H

#include <string>

#include "milter/provenance/hop.h"
#include "milter/provenance/received_parser.h"
#include "milter/util/netmatch.h"

namespace phi::provenance {

struct HopContext {
  const HostList* internal_hosts = nullptr;  // InternalHosts; may be null
};

struct TlsNote {
  bool found = false;
  std::string version;  // normalised, may be empty
  std::string cipher;
  int bits = 0;
  std::string verify;
};

TlsNote find_tls_note(const ReceivedParts& p);

Hop hop_from_received(const ReceivedParts& p, const HopContext& ctx);

}  // namespace phi::provenance

#endif
