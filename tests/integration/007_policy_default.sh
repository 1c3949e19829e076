#!/bin/sh
# 007_policy_default - the shipped policy with no PolicyFile written, through
# a real Postfix: outbound PHI to a mandatory-TLS domain is accepted and
# routed through the smtp-tls transport (route-tls); PHI in the Subject is
# refused with a 5.7.1 text telling the sender to move it into the body;
# outbound PHI for an opportunistic-TLS domain is escrowed, also when the
# PHI is only inside a .docx attachment, only inside a PDF (read by
# pdftotext) sent as application/octet-stream under another name, or only
# in a PDF's title (its document information), or only
# in the pixels of a scanned page sent as a PNG, as a faxed PDF (also fed
# upside down: tesseract turns it upright), as a
# picture on a PDF page with text, pasted into an HTML mail, an RTF
# document or a Word 97-2003 .doc, burned into a DICOM frame or drawn by a
# metafile (a screenshot pasted as an EMF), or photographed with a phone and sent as
# HEIC (decoded by the built phimilter-heif) (read by tesseract), or only inside a
# Word 97-2003 .doc (read by catdoc), in an Excel sheet embedded in one
# or in an RTF letter (read by xls2csv), in a table pasted into one as a
# metafile picture (its text read by phimilter), the same .doc attached to a forwarded Outlook .msg, or a PowerPoint 97-2003
# .ppt (read by phimilter).
#
# OcrHeifProgram names the phimilter-heif this build made (the built-in path is
# where make install puts it).
# Escrow needs keys, so this scenario writes EscrowKeyFile, EscrowDirectory
# and NoticeSendmail (nothing else: the policy is the shipped one). With
# PHI_ESCROW_WIRED=0 it checks instead that an escrow decision without an
# escrow store answers 4xx for the whole message (nothing is lost).
: "${PHI_ESCROW_WIRED:=1}"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/policy_lib.sh"

phi_start_sink
phi_policy_setup
CTL=${PHIMILTERCTL:-$top_builddir/phimilterctl}
escrow_conf=
if [ "$PHI_ESCROW_WIRED" = 1 ]; then
  mkdir -p "$PHI_DIR/escrow"
  "$CTL" escrow genkey "$PHI_DIR/escrow.keys" >/dev/null || phi_fail "phimilterctl escrow genkey failed"
  escrow_conf="EscrowKeyFile $PHI_DIR/escrow.keys
EscrowDirectory $PHI_DIR/escrow
NoticeSendmail /usr/sbin/sendmail -C $PHI_CONF"
fi
phi_start_milter "$(phi_policy_milter_conf)" "$escrow_conf" "OcrHeifProgram $top_builddir/phimilter-heif"
phi_start_postfix "$(phi_policy_maincf)"

# assert_escrowed TAG LABEL SECONDS: the message just sent (its queue id in
# the swaks log, kept in $qid) was decided by the milter within SECONDS as
# one recipient escrowed by the shipped phi-insecure rule.
assert_escrowed() {
  qid=$(phi_queue_id_of "$PHI_SWAKS_LOG")
  [ -n "$qid" ] || phi_fail "$1: no queue id in $PHI_SWAKS_LOG"
  phi_wait_log "$PHI_MILTER_LOG" "$qid: policy: direction=" "$3"
  phi_assert_match "$1: $2" "$(phi_policy_log "$qid")" "rcpt=1 escrow=1 rules=phi-insecure"
}

# send_pdf TAG FILE NAME SUBJECT: FILE sent as the PDF attachment NAME to
# the domain without TLS, with SUBJECT and "SUBJECT attached." as its text.
send_pdf() {
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "$4" --body "$4 attached." \
    --attach-type application/pdf --attach-name "$3" --attach @"$2" || phi_fail "$1: not accepted, see $PHI_SWAKS_LOG"
}

# send_doc TAG FIXTURE NAME SUBJECT: tests/unit/milter/data/FIXTURE sent as the Word file NAME.
send_doc() {
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "$4" --body "Letter attached." \
    --attach-type application/msword --attach-name "$3" \
    --attach @"$(dirname "$0")/../unit/milter/data/$2" || phi_fail "$1: not accepted, see $PHI_SWAKS_LOG"
}

# send_attached_to_pdf TAG FILE PAGE WHAT: a PDF showing PAGE with FILE
# attached to it (make_pdf.py), sent as summary.pdf; it must be escrowed.
send_attached_to_pdf() {
  python3 "$(dirname "$0")/make_pdf.py" attached "$PHI_DIR/attached-$1.pdf" "$2" "$3" ||
    phi_fail "$1: could not write the PDF"
  send_pdf "$1" "$PHI_DIR/attached-$1.pdf" summary.pdf Summary
  assert_escrowed "$1" "$4" 20
}

# --- PHI to a mandatory-TLS domain: accepted, route-tls ---------------------------
phi_send_phi --to "a@$PHI_SECURE_DOMAIN" || phi_fail "swaks (mandatory TLS) failed, see $PHI_SWAKS_LOG"
qid=$(phi_queue_id_of "$PHI_SWAKS_LOG")
[ -n "$qid" ] || phi_fail "no queue id in $PHI_SWAKS_LOG"
phi_wait_log "$PHI_MILTER_LOG" "$qid: policy: direction=" 20
phi_assert_match "mandatory TLS: route-tls by rule phi-tls" "$(phi_policy_log "$qid")" \
  "direction=outbound mode=enforce rcpt=1 route-tls=1 rules=phi-tls routed=mandatory-tls"
phi_wait_log "$PHI_MAILLOG" "postfix/smtp-tls/smtp\[[0-9]+\]: $qid: .*status=deferred.*TLS is required" 60
phi_ok "mandatory TLS: Postfix used the smtp-tls transport (the sink offers no TLS: deferred)"
phi_assert_match "mandatory TLS: queued copy has the route-tls header" "$(phi_postcat "$qid")" "X-PHI-Route: mandatory-tls"
phi_assert_no_match "mandatory TLS: no tag on outbound mail by default" "$(phi_postcat "$qid")" "X-PHI-Classification:"

# --- PHI in the Subject: refused ---------------------------------------------------
phi_send --to "a@$PHI_SECURE_DOMAIN" --h-Subject "Diego Lopez DOB 2001-10-08 MRN MR42693171 heart failure I50.9" \
  --body "See the subject." && phi_fail "PHI in the Subject was accepted"
phi_assert_match "subject: 550 5.7.1 asks to move it into the body" "$(cat "$PHI_SWAKS_LOG")" \
  "<\*\* +550 5\.7\.1 Protected health information in the Subject line; move it into the message body"

# --- PHI to three recipients: escrow for the insecure ones -------------------------------
phi_send_phi --to "a@$PHI_SECURE_DOMAIN,b@$PHI_OPP_DOMAIN,c@$PHI_WEBMAIL_DOMAIN"
sent=$?
if [ "$PHI_ESCROW_WIRED" = 1 ]; then
  [ $sent -eq 0 ] || phi_fail "three recipients: not accepted, see $PHI_SWAKS_LOG"
  qid=$(phi_queue_id_of "$PHI_SWAKS_LOG")
  phi_wait_log "$PHI_MILTER_LOG" "$qid: policy: direction=" 20
  phi_assert_match "three recipients: one route-tls, two escrowed" "$(phi_policy_log "$qid")" \
    "rcpt=3 route-tls=1 escrow=2 rules=phi-tls,phi-insecure"
  # The original goes to the mandatory-TLS recipient only, through smtp-tls.
  phi_wait_log "$PHI_MAILLOG" "postfix/smtp-tls/smtp\[[0-9]+\]: $qid: to=<a@$PHI_SECURE_DOMAIN>.*TLS is required" 60
  phi_assert_no_match "original: escrowed recipients removed" "$(grep " $qid: to=" "$PHI_MAILLOG")" \
    "to=<(b@$PHI_OPP_DOMAIN|c@$PHI_WEBMAIL_DOMAIN)>"
  n=$("$CTL" escrow -c "$PHI_DIR/phimilter.conf" list | awk 'NR > 1' | grep -c .)
  phi_assert_eq "escrow: one entry for the two insecure recipients" "$n" 1
else
  # No escrow store: the escrow decision answers 4xx for the whole message.
  [ $sent -ne 0 ] || phi_fail "three recipients: accepted without an escrow store"
  phi_assert_match "three recipients: 4xx without an escrow store" "$(cat "$PHI_SWAKS_LOG")" "<\*\* +4[0-9][0-9] "
  phi_wait_log "$PHI_MILTER_LOG" "policy: direction=outbound mode=enforce rcpt=3 route-tls=1 escrow=2 rules=phi-tls,phi-insecure" 20
  phi_ok "three recipients: decided route-tls for one, escrow for two"
fi

# --- PHI only inside a .docx attachment: its text is read, the message escrowed ----------
if [ "$PHI_ESCROW_WIRED" = 1 ]; then
  # A Word document as a zip of XML parts; Word splits a paragraph into runs
  # wherever the formatting changes, here inside the record number.
  python3 - "$PHI_DIR/referral.docx" <<'EOT' || phi_fail "could not write the .docx"
import sys, zipfile
w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
paras = ["Patient: Diego Lopez", "DOB: 2001-10-08",
         '<w:r><w:t>MRN: MR4269</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>3171</w:t></w:r>',
         "Reason for referral: heart failure (I50.9), not at goal despite current therapy.",
         "Current medications: furosemide 40 mg daily."]
body = "".join("<w:p>" + (p if p.startswith("<w:r>") else "<w:r><w:t>" + p + "</w:t></w:r>") + "</w:p>" for p in paras)
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
    z.writestr("word/document.xml", '<?xml version="1.0"?><w:document %s><w:body>%s</w:body></w:document>' % (w, body))
EOT
  phi_send --to "b@$PHI_OPP_DOMAIN" --h-Subject "Referral letter" --body "Please see the attached letter." \
    --attach-type application/vnd.openxmlformats-officedocument.wordprocessingml.document \
    --attach @"$PHI_DIR/referral.docx" || phi_fail "docx: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed docx "PHI inside the attachment is escrowed" 20
  n=$("$CTL" escrow -c "$PHI_DIR/phimilter.conf" list | awk 'NR > 1' | grep -c .)
  phi_assert_eq "escrow: a second entry, for the docx" "$n" 2
fi

# --- PHI only inside a PDF sent as octet-stream: pdftotext reads it, the message escrowed ---
if [ "$PHI_ESCROW_WIRED" = 1 ]; then
  python3 "$(dirname "$0")/make_pdf.py" text "$PHI_DIR/labs.pdf" "Patient: Diego Lopez" "DOB: 2001-10-08" \
    "MRN: MR42693171" "Diagnosis: heart failure (I50.9)" "Current medications: furosemide 40 mg daily." ||
    phi_fail "could not write the PDF"
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Lab results" --body "Results attached." \
    --attach-type application/octet-stream --attach-name results.bin \
    --attach @"$PHI_DIR/labs.pdf" || phi_fail "pdf: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed pdf "PHI inside a PDF (sniffed in octet-stream) is escrowed" 20
  n=$("$CTL" escrow -c "$PHI_DIR/phimilter.conf" list | awk 'NR > 1' | grep -c .)
  phi_assert_eq "escrow: a third entry, for the PDF" "$n" 3
fi

# --- PHI only in a scanned page (a PNG of the same letter): tesseract reads it, the message escrowed ---
if [ "$PHI_ESCROW_WIRED" = 1 ] && [ -x /usr/bin/tesseract ]; then
  pdftoppm -singlefile -r 200 -gray -png "$PHI_DIR/labs.pdf" "$PHI_DIR/scan" || phi_fail "could not render the scan"
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Referral" --body "Scan attached." \
    --attach-type image/png --attach-name referral.png \
    --attach @"$PHI_DIR/scan.png" || phi_fail "scan: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed scan "PHI only in the pixels of an image is escrowed" 30
  n=$("$CTL" escrow -c "$PHI_DIR/phimilter.conf" list | awk 'NR > 1' | grep -c .)
  phi_assert_eq "escrow: a fourth entry, for the scan" "$n" 4

  # --- the same letter as a fax: a PDF whose page is only a picture, read by pdftoppm and tesseract ---
  pdftoppm -singlefile -r 150 -gray "$PHI_DIR/labs.pdf" "$PHI_DIR/fax" || phi_fail "could not render the fax"
  python3 "$(dirname "$0")/make_pdf.py" scan "$PHI_DIR/fax.pdf" "$PHI_DIR/fax.pgm" ||
    phi_fail "could not write the fax PDF"
  [ "$(pdftotext "$PHI_DIR/fax.pdf" - | tr -d ' \n\f')" = "" ] || phi_fail "the fax PDF has a text layer"
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Fax" --body "Fax attached." \
    --attach-type application/pdf --attach-name fax.pdf \
    --attach @"$PHI_DIR/fax.pdf" || phi_fail "fax: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed fax "PHI only in a scanned PDF page is escrowed" 30
  phi_assert_match "fax: the log names the message and the OCR of its page" "$(cat "$PHI_MILTER_LOG")" \
    "$qid: pdf: a PDF with 1 of 1 pages without text \\(scanned\\?\\): 1 read by OCR"

  # --- the fax fed upside down: tesseract turns the page before reading it (OcrOrientation);
  # read as it lies, it is garbage without the PHI (only the fax uninspected, the message tagged) ---
  python3 - "$PHI_DIR/fax.pgm" "$PHI_DIR/upside.pgm" <<'EOT' || phi_fail "could not turn the fax"
import sys
data = open(sys.argv[1], "rb").read()
head = data.split(b"\n", 3)  # P5, width height, 255, pixels
assert head[0] == b"P5" and head[2] == b"255"
open(sys.argv[2], "wb").write(b"\n".join(head[:3]) + b"\n" + head[3][::-1])
EOT
  python3 "$(dirname "$0")/make_pdf.py" scan "$PHI_DIR/upside.pdf" "$PHI_DIR/upside.pgm" ||
    phi_fail "could not write the upside-down fax PDF"
  send_pdf upside "$PHI_DIR/upside.pdf" fax.pdf "Fax"
  assert_escrowed upside "PHI only in a scanned PDF page fed upside down is escrowed" 30

  # --- the same letter as a picture pasted below a typed line (a screenshot of the chart in a letter) ---
  python3 "$(dirname "$0")/make_pdf.py" pictured "$PHI_DIR/pictured.pdf" "$PHI_DIR/fax.pgm" \
    "Dear colleague, the chart is pasted below as a screenshot." || phi_fail "could not write the pictured PDF"
  pdftotext "$PHI_DIR/pictured.pdf" - | grep -q "pasted below" || phi_fail "the pictured PDF has no text layer"
  ! pdftotext "$PHI_DIR/pictured.pdf" - | grep -q "Lopez" || phi_fail "the pictured PDF's picture has a text layer"
  send_pdf pictured "$PHI_DIR/pictured.pdf" letter.pdf "Letter"
  assert_escrowed pictured "PHI only in a picture on a PDF page with text is escrowed" 30
  phi_assert_match "pictured: the log names the message and the OCR of its picture" "$(cat "$PHI_MILTER_LOG")" \
    "$qid: pdf: a PDF with pictures beside text on 1 pages: 1 read by OCR"

  # --- the same letter as a picture pasted into an HTML mail: a data: URL, as some clients send a pasted screenshot ---
  python3 - "$PHI_DIR/scan.png" "$PHI_DIR/pasted.html" <<'EOT' || phi_fail "could not write the HTML mail"
import base64, sys
png = base64.b64encode(open(sys.argv[1], "rb").read()).decode()
data = "\r\n".join(png[i:i + 76] for i in range(0, len(png), 76))
with open(sys.argv[2], "w", newline="") as f:
    f.write('<html><body><p>Dear colleague, the chart is pasted below.</p>\r\n'
            '<img alt="chart" src="data:image/png;base64,' + data + '"></body></html>\r\n')
EOT
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Chart" --add-header "MIME-Version: 1.0" \
    --add-header "Content-Type: text/html; charset=utf-8" --body @"$PHI_DIR/pasted.html" ||
    phi_fail "pasted: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed pasted "PHI only in a picture pasted into an HTML mail (a data: URL) is escrowed" 30

  # --- the same picture pasted into a Word document saved as RTF (PNG in \shppict, a metafile copy beside it) ---
  python3 - "$PHI_DIR/scan.png" "$PHI_DIR/pasted.rtf" <<'EOT' || phi_fail "could not write the RTF"
import sys
data = open(sys.argv[1], "rb").read().hex()
lines = "\r\n".join(data[i:i + 128] for i in range(0, len(data), 128))
with open(sys.argv[2], "w", newline="") as f:
    f.write("{\\rtf1\\ansi\\ansicpg1252 Dear colleague, the chart is pasted below.\\par\r\n"
            "{\\*\\shppict{\\pict\\picw2000\\pich2600\\pngblip\r\n" + lines + "}}"
            "{\\nonshppict{\\pict\\wmetafile8 010009000003}}\\par}\r\n")
EOT
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Letter" --body "Letter attached." \
    --attach-type application/rtf --attach-name letter.rtf --attach @"$PHI_DIR/pasted.rtf" ||
    phi_fail "rtf: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed rtfpicture "PHI only in a picture pasted into an RTF document is escrowed" 30

  # --- the same letter burned into a DICOM frame (a screen capture stored as DICOM, its data set de-identified) ---
  # Before: the data set read, the pixels reported "image", accepted by uninspected-clean.
  python3 - "$PHI_DIR/fax.pgm" "$PHI_DIR/capture.dcm" <<'EOT' || phi_fail "could not write the DICOM file"
import struct, sys
magic, size, depth, pixels = open(sys.argv[1], "rb").read().split(b"\n", 3)
w, h = map(int, size.split())
rows = [pixels[y * w:(y + 1) * w] for y in range(h)]
ink = [y for y in range(h) if min(rows[y]) < 128]
rows = rows[max(0, ink[0] - 20):ink[-1] + 21]  # the lines of text and a margin: an 8-bit grey frame
def el(g, e, vr, v):
    v += b"\0" * (len(v) % 2)
    if vr in ("OB", "OW"):
        return struct.pack("<HH", g, e) + vr.encode() + b"\0\0" + struct.pack("<I", len(v)) + v
    return struct.pack("<HH", g, e) + vr.encode() + struct.pack("<H", len(v)) + v
us = lambda e, v: el(0x28, e, "US", struct.pack("<H", v))
data = (el(0x08, 0x60, "CS", b"OT") + el(0x10, 0x10, "PN", b"ANONYMOUS") + us(0x02, 1) + el(0x28, 0x04, "CS", b"MONOCHROME2") +
        us(0x10, len(rows)) + us(0x11, w) + us(0x100, 8) + us(0x101, 8) + us(0x102, 7) + us(0x103, 0) +
        el(0x7FE0, 0x10, "OB", b"".join(rows)))
with open(sys.argv[2], "wb") as f:
    f.write(b"\0" * 128 + b"DICM" + el(2, 0x10, "UI", b"1.2.840.10008.1.2.1") + data)
EOT
  ! grep -q "Lopez" "$PHI_DIR/capture.dcm" || phi_fail "the DICOM file names the patient outside its pixels"
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Capture" --body "Capture attached." \
    --attach-type application/dicom --attach-name IM000002.dcm --attach @"$PHI_DIR/capture.dcm" ||
    phi_fail "dicomframe: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed dicomframe "PHI only burned into a DICOM frame's pixels is escrowed" 30

  # --- the same letter as a screenshot pasted as a metafile (an EMF drawing the bitmap: EMR_STRETCHDIBITS) ---
  # Before: a metafile that draws no text, reported "image", accepted by uninspected-clean.
  python3 - "$PHI_DIR/fax.pgm" "$PHI_DIR/screen.emf" <<'EOT' || phi_fail "could not write the EMF"
import struct, sys
magic, size, depth, pixels = open(sys.argv[1], "rb").read().split(b"\n", 3)
w, h = map(int, size.split())
rows = [pixels[y * w:(y + 1) * w] for y in range(h)]
ink = [y for y in range(h) if min(rows[y]) < 128]
rows = rows[max(0, ink[0] - 20):ink[-1] + 21]
pad = b"\0" * ((w + 3) // 4 * 4 - w)
bits = b"".join(r + pad for r in reversed(rows))  # bottom up, rows padded to 4 bytes
bmi = struct.pack("<IiiHHIIiiII", 40, w, len(rows), 1, 8, 0, len(bits), 0, 0, 256, 0) + b"".join(bytes([g, g, g, 0]) for g in range(256))
header = struct.pack("<II", 1, 88) + b"\0" * 32 + struct.pack("<I", 0x464D4520) + b"\0" * 44
stretch = (struct.pack("<II", 0x51, 80 + len(bmi) + len(bits)) + b"\0" * 40 +
           struct.pack("<IIII", 80, len(bmi), 80 + len(bmi), len(bits)) + b"\0" * 16 + bmi + bits)
with open(sys.argv[2], "wb") as f:
    f.write(header + stretch + struct.pack("<II", 14, 20) + b"\0" * 12)
EOT
  ! grep -q "Lopez" "$PHI_DIR/screen.emf" || phi_fail "the EMF names the patient outside its bitmap"
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Screenshot" --body "Screenshot attached." \
    --attach-type image/x-emf --attach-name screen.emf --attach @"$PHI_DIR/screen.emf" ||
    phi_fail "emfscreenshot: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed emfscreenshot "PHI only in a screenshot pasted as a metafile is escrowed" 30

  # --- the same letter photographed with an iPhone: a HEIC attachment (tests/unit/milter/data/referral.heic) ---
  # Before: tesseract's image library reads no HEIF; reported "image", accepted by uninspected-clean.
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Photo" --body "Photo attached." \
    --attach-type image/heic --attach-name IMG_0412.HEIC \
    --attach @"$top_srcdir/tests/unit/milter/data/referral.heic" ||
    phi_fail "heicphoto: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed heicphoto "PHI only in a phone's HEIC photo is escrowed" 30
elif [ "$PHI_ESCROW_WIRED" = 1 ] && [ "${PHI_REQUIRE_INTEGRATION:-0}" = 1 ]; then
  phi_fail "tesseract missing: scripts/setup installs tesseract-ocr"
fi

# --- PHI only inside a Word 97-2003 .doc: catdoc reads it, the message escrowed ---
if [ "$PHI_ESCROW_WIRED" = 1 ] && [ -x /usr/bin/catdoc ]; then
  send_doc doc letter.doc referral.doc "Referral letter"
  assert_escrowed doc "PHI inside a Word 97-2003 file is escrowed" 20
  # --- PHI only in a picture pasted into a Word 97-2003 .doc (LibreOffice's), read by tesseract ---
  if [ -x /usr/bin/tesseract ]; then
    send_doc docpicture pictured.doc pictured.doc "Referral letter"
    assert_escrowed docpicture "PHI only in a picture pasted into a Word 97-2003 file is escrowed" 30
    phi_assert_match "docpicture: the log names the message and its picture" "$(grep "$qid: office:" "$PHI_MILTER_LOG")" \
      "an Office 97-2003 file with 1 picture\\(s\\): 1 read by OCR"
  fi
  # --- PHI only in an Excel sheet embedded in a Word 97-2003 letter (LibreOffice's), read by xls2csv ---
  send_doc docobject embedded.doc notes.doc "Staff meeting"
  assert_escrowed docobject "PHI only in a sheet embedded in a Word 97-2003 file is escrowed" 20
  phi_assert_match "docobject: the log names the message and its object" "$(grep "$qid: office:" "$PHI_MILTER_LOG")" \
    "an Office 97-2003 file with 1 embedded object\\(s\\): 1 read"
  # --- the same table pasted into a Word 97-2003 letter as a picture (an EMF that draws the cells' text) ---
  send_doc docmetafile metafile.doc notes.doc "Staff meeting"
  assert_escrowed docmetafile "PHI only in a table pasted as a metafile picture into a Word 97-2003 file is escrowed" 20
  phi_assert_match "docmetafile: the log names the message and its picture" "$(grep "$qid: office:" "$PHI_MILTER_LOG")" \
    "an Office 97-2003 file with 1 picture\\(s\\): 0 read by OCR, 1 by the text they draw"
  # --- the same sheet embedded in a letter saved as RTF (an OLE 1 object in \objdata, as Word writes it) ---
  python3 - "$(dirname "$0")/../unit/milter/data/labs.xls" "$PHI_DIR/object.rtf" <<'EOT' || phi_fail "could not write the RTF"
import struct, sys
xls = open(sys.argv[1], "rb").read()
def name(s): return struct.pack("<I", len(s) + 1) + s + b"\0"
data = (struct.pack("<II", 0x0501, 2) + name(b"Excel.Sheet.8") + name(b"") + name(b"") + struct.pack("<I", len(xls)) + xls).hex()
with open(sys.argv[2], "w", newline="") as f:
    f.write("{\\rtf1\\ansi\\ansicpg1252 Clinic staff meeting: the list is embedded below.\\par\r\n"
            "{\\object\\objemb{\\*\\objclass Excel.Sheet.8}\\objw2000\\objh800{\\*\\objdata\r\n" +
            "\r\n".join(data[i:i + 128] for i in range(0, len(data), 128)) + "}}\\par}\r\n")
EOT
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Staff meeting" --body "Notes attached." \
    --attach-type application/rtf --attach-name notes.rtf --attach @"$PHI_DIR/object.rtf" ||
    phi_fail "rtfobject: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed rtfobject "PHI only in a sheet embedded in an RTF document is escrowed" 20
elif [ "$PHI_ESCROW_WIRED" = 1 ] && [ "${PHI_REQUIRE_INTEGRATION:-0}" = 1 ]; then
  phi_fail "catdoc missing: scripts/setup installs catdoc"
fi

# --- PHI only in a Word letter attached to a forwarded Outlook .msg ---------------
if [ "$PHI_ESCROW_WIRED" = 1 ] && [ -x /usr/bin/catdoc ]; then
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Forwarded referral" --body "See the forwarded message." \
    --attach-type application/vnd.ms-outlook --attach-name referral.msg \
    --attach @"$(dirname "$0")/../unit/milter/data/forward.msg" || phi_fail "msg: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed msg "PHI in a .doc attached to a forwarded .msg is escrowed" 20
  phi_assert_match "msg: the log names the message and its attachment" "$(grep "$qid: office:" "$PHI_MILTER_LOG")" \
    "an Outlook message with 1 attachment\\(s\\), 1 read to the end"
fi

# --- PHI only in files inside a .tgz (GNU tar, gzip) and a .txz (xz) ---------------
if [ "$PHI_ESCROW_WIRED" = 1 ]; then
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Records" --body "Records attached." \
    --attach-type application/gzip --attach-name records.tgz \
    --attach @"$(dirname "$0")/../unit/milter/data/records.tgz" || phi_fail "tgz: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed tgz "PHI in files inside a .tar.gz is escrowed" 20
  # The same tar through xz, sent as octet-stream under a name that says nothing: its signature tells.
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Export" --body "Export attached." \
    --attach-type application/octet-stream --attach-name export.bin \
    --attach @"$(dirname "$0")/../unit/milter/data/records.txz" || phi_fail "txz: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed txz "PHI in files inside an xz-compressed tar sent as octet-stream is escrowed" 20
fi

# --- PHI only in a file inside a 7z archive: bsdtar unpacks it (ArchiveToTar), the message escrowed;
# the same 7z in a ZIP, the same files in a .tar.zst (bsdtar writes both) ---
# Before bsdtar read them, a 7z was uninspected and, with no finding beside
# it, accepted and tagged by the shipped policy: delivered in the clear.
if [ "$PHI_ESCROW_WIRED" = 1 ] && [ -x /usr/bin/bsdtar ]; then
  mkdir -p "$PHI_DIR/7z/records"
  printf 'Name,DOB,MRN,Dx\nJane Doe,03/14/1962,00482913,E11.9 type 2 diabetes\n' > "$PHI_DIR/7z/records/labs.csv"
  bsdtar --format 7zip -cf "$PHI_DIR/records.7z" -C "$PHI_DIR/7z" records || phi_fail "could not write the 7z archive"
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Records" --body "Records attached." \
    --attach-type application/x-7z-compressed --attach-name records.7z \
    --attach @"$PHI_DIR/records.7z" || phi_fail "7z: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed 7z "PHI in a file inside a 7z archive is escrowed" 20
  # The same 7z zipped again (an export folder zipped for mail): before the
  # ZIP reader made its archive entries parts, the ZIP was uninspected
  # "archive" and this message delivered in the clear.
  bsdtar --format zip -cf "$PHI_DIR/export.zip" -C "$PHI_DIR" records.7z || phi_fail "could not write the ZIP"
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Export" --body "Export attached." \
    --attach-type application/zip --attach-name export.zip \
    --attach @"$PHI_DIR/export.zip" || phi_fail "7z in a ZIP: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed zip7z "PHI in a 7z archive inside a ZIP is escrowed" 20
  # The same files as a zstd-compressed tar (tar --zstd), read in the daemon by libzstd.
  bsdtar --zstd -cf "$PHI_DIR/records.tar.zst" -C "$PHI_DIR/7z" records || phi_fail "could not write the .tar.zst"
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Records" --body "Records attached." \
    --attach-type application/zstd --attach-name records.tar.zst \
    --attach @"$PHI_DIR/records.tar.zst" || phi_fail "tar.zst: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed zst "PHI in files inside a .tar.zst is escrowed" 20
elif [ "$PHI_ESCROW_WIRED" = 1 ] && [ "${PHI_REQUIRE_INTEGRATION:-0}" = 1 ]; then
  phi_fail "bsdtar missing: scripts/setup installs libarchive-tools"
fi

# --- PHI only in an HL7 v2 lab result sent as application/octet-stream: read as the text it is ---
if [ "$PHI_ESCROW_WIRED" = 1 ]; then
  printf 'MSH|^~\\&|LAB|HOSP|EHR|CLINIC|202601011200||ORU^R01|123|P|2.5\rPID|1||00482913^^^HOSP^MR||DOE^JANE||19620314|F|||||||||||078-05-1121\rOBX|1|NM|2345-7^GLUCOSE||182|mg/dL\r' \
    > "$PHI_DIR/result.hl7"
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Result" --body "Result attached." \
    --attach-type application/octet-stream --attach-name result.hl7 \
    --attach @"$PHI_DIR/result.hl7" || phi_fail "hl7: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed hl7 "PHI in an HL7 file sent as octet-stream is escrowed" 20
fi

# --- PHI only in a PDF's title (an EHR export named after the patient): read with pdftotext -htmlmeta ---
# Before the document information was read, this PDF's page alone (a lab
# value) was no PHI, and the message was accepted and delivered in the clear.
if [ "$PHI_ESCROW_WIRED" = 1 ]; then
  python3 "$(dirname "$0")/make_pdf.py" titled "$PHI_DIR/titled.pdf" \
    "Doe, Jane DOB 03/14/1962 MRN 00482913 - diabetes follow-up" \
    "Results of the visit on 12/01/2026: HbA1c 8.1, plan reviewed with the patient" ||
    phi_fail "could not write the titled PDF"
  pdftotext "$PHI_DIR/titled.pdf" - | grep -q "MRN" && phi_fail "the titled PDF's page holds the MRN"
  send_pdf pdftitle "$PHI_DIR/titled.pdf" results.pdf Results
  assert_escrowed pdftitle "PHI only in a PDF's title is escrowed" 20
fi

# --- PHI only in a CSV file attached to a PDF: pdftotext prints the pages alone, qpdf takes the file out ---
# Before qpdf read them, the PDF counted as read (its page, one lab
# finding, no PHI) and the message was accepted by the default rule: the
# patients' rows delivered in the clear.
if [ "$PHI_ESCROW_WIRED" = 1 ] && [ -x /usr/bin/qpdf ]; then
  printf 'Name,DOB,MRN,Dx\nJane Doe,03/14/1962,00482913,E11.9 type 2 diabetes\n' > "$PHI_DIR/labs.csv"
  python3 "$(dirname "$0")/make_pdf.py" attached "$PHI_DIR/attached.pdf" "$PHI_DIR/labs.csv" \
    "Quarterly HbA1c summary for the clinic: the patients' values are in the attached file" ||
    phi_fail "could not write the PDF with an attached file"
  pdftotext "$PHI_DIR/attached.pdf" - | grep -q "00482913" && phi_fail "the PDF's page holds the MRN"
  send_pdf pdfattached "$PHI_DIR/attached.pdf" summary.pdf Summary
  assert_escrowed pdfattached "PHI only in a CSV attached to a PDF is escrowed" 20
  # The same rows in a spreadsheet (.xlsx) attached to the PDF: read as an
  # attachment would be (before: not text, the PDF uninspected, accepted
  # beside no other finding by uninspected-clean).
  python3 - "$PHI_DIR/labs.xlsx" <<'PY' || phi_fail "could not write the spreadsheet"
import sys, zipfile
cells = ["Name", "DOB", "MRN", "Dx", "Jane Doe", "03/14/1962", "00482913", "E11.9 type 2 diabetes"]
sst = "<sst>" + "".join("<si><t>%s</t></si>" % c for c in cells) + "</sst>"
rows = "".join('<row r="%d">' % (r + 1) + "".join('<c t="s"><v>%d</v></c>' % (r * 4 + i) for i in range(4)) + "</row>"
               for r in range(2))
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", "<Types/>")
    z.writestr("xl/sharedStrings.xml", sst)
    z.writestr("xl/worksheets/sheet1.xml", "<worksheet><sheetData>" + rows + "</sheetData></worksheet>")
PY
  send_attached_to_pdf pdfxlsx "$PHI_DIR/labs.xlsx" \
    "Quarterly HbA1c summary for the clinic: the patients' values are in the attached file" \
    "PHI only in a spreadsheet attached to a PDF is escrowed"
  # A PDF attached to a PDF (a portfolio's files): read in the outer one's slot.
  python3 "$(dirname "$0")/make_pdf.py" attached "$PHI_DIR/portfolio.pdf" "$PHI_DIR/attached.pdf" \
    "This portfolio holds the clinic's quarterly summary; open it in a PDF reader" ||
    phi_fail "could not write the PDF with an attached PDF"
  send_pdf pdfinpdf "$PHI_DIR/portfolio.pdf" portfolio.pdf Portfolio
  assert_escrowed pdfinpdf "PHI only in a CSV attached to a PDF in a PDF portfolio is escrowed" 20
  # PHI only in an attached file's name: qpdf's list of the objects gives it.
  printf 'visit,count\nclinic,12\n' > "$PHI_DIR/Jane Doe MRN 00482913 labs.csv"
  send_attached_to_pdf pdfname "$PHI_DIR/Jane Doe MRN 00482913 labs.csv" \
    "Quarterly summary for the clinic, the counts are in the attached file" \
    "PHI only in the name of a file attached to a PDF is escrowed"
  # A Word 97-2003 letter attached to a PDF: catdoc reads it in the PDF's
  # slot (before: the PDF uninspected, accepted by uninspected-clean).
  if [ -x /usr/bin/catdoc ]; then
    cp "$(dirname "$0")/../unit/milter/data/letter.doc" "$PHI_DIR/referral.doc"
    send_attached_to_pdf pdfdoc "$PHI_DIR/referral.doc" "Cover sheet for the referral: the letter is in the attached file" \
      "PHI only in a Word 97-2003 file attached to a PDF is escrowed"
  elif [ "${PHI_REQUIRE_INTEGRATION:-0}" = 1 ]; then
    phi_fail "catdoc missing: scripts/setup installs catdoc"
  fi
  # The 7z archive of the labs above (written by bsdtar there) attached to a
  # PDF: bsdtar unpacks it in the PDF's slot.
  if [ -x /usr/bin/bsdtar ] && [ -f "$PHI_DIR/records.7z" ]; then
    send_attached_to_pdf pdf7z "$PHI_DIR/records.7z" \
      "Quarterly summary for the clinic: the records are in the attached archive" \
      "PHI only in a 7z archive attached to a PDF is escrowed"
  elif [ "${PHI_REQUIRE_INTEGRATION:-0}" = 1 ]; then
    phi_fail "bsdtar missing: scripts/setup installs libarchive-tools"
  fi
  # PHI only in what was typed into a dynamic XML (XFA) form: its page says
  # "Please wait...", its data is an XML packet qpdf takes out (before: the
  # page counted as read, the form delivered by the default rule).
  python3 "$(dirname "$0")/make_pdf.py" xfa "$PHI_DIR/intake.pdf" "PatientName=Jane Doe" "DateOfBirth=03/14/1962"     "MRN=00482913" "Diagnosis=E11.9 type 2 diabetes mellitus" || phi_fail "could not write the XFA form"
  send_pdf xfaform "$PHI_DIR/intake.pdf" intake.pdf "Intake form"
  assert_escrowed xfaform "PHI only in the data of an XML (XFA) form is escrowed" 20
  phi_assert_match "xfaform: the log names the message and its form" "$(grep "$qid: pdf:" "$PHI_MILTER_LOG")" \
    "an XML \\(XFA\\) form with 1 data stream\\(s\\): 1 read"
elif [ "$PHI_ESCROW_WIRED" = 1 ] && [ "${PHI_REQUIRE_INTEGRATION:-0}" = 1 ]; then
  phi_fail "qpdf missing: scripts/setup installs qpdf"
fi

# --- PHI only in a sticky note on a PDF: pdftotext prints the page alone, qpdf lists the note ---
# Before the comments were read, the PDF counted as read (its page, one lab
# finding, no PHI) and the message was accepted by the default rule.
if [ "$PHI_ESCROW_WIRED" = 1 ] && [ -x /usr/bin/qpdf ]; then
  python3 "$(dirname "$0")/make_pdf.py" noted "$PHI_DIR/noted.pdf" \
    "Jane Doe (DOB 03/14/1962) MRN 00482913: call her about the E11.9 diabetes results" \
    "Quarterly HbA1c summary for the clinic, reviewed" || phi_fail "could not write the PDF with a note"
  pdftotext "$PHI_DIR/noted.pdf" - | grep -q "00482913" && phi_fail "the noted PDF's page holds the MRN"
  send_pdf pdfnote "$PHI_DIR/noted.pdf" summary.pdf Summary
  assert_escrowed pdfnote "PHI only in a sticky note on a PDF is escrowed" 20
fi

# --- PHI only in a UTF-16 text without a byte order mark (a program's "Unicode" export), as text/plain ---
if [ "$PHI_ESCROW_WIRED" = 1 ]; then
  printf 'Name\tDOB\tMRN\tDx\r\nJane Doe\t03/14/1962\t00482913\tE11.9 type 2 diabetes\r\n' | iconv -f UTF-8 -t UTF-16LE > "$PHI_DIR/list.txt" \
    || phi_fail "could not write the UTF-16 list"
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "List" --body "List attached." \
    --attach-type text/plain --attach-name list.txt \
    --attach @"$PHI_DIR/list.txt" || phi_fail "utf16: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed utf16 "PHI in UTF-16 text without a byte order mark is escrowed" 20
fi

# --- PHI only in an opaque-signed S/MIME attachment (signed, not encrypted: anyone can read it) ---
if [ "$PHI_ESCROW_WIRED" = 1 ]; then
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Signed results" --body "Signed results attached." \
    --attach-type "application/pkcs7-mime; smime-type=signed-data" --attach-name smime.p7m \
    --attach @"$(dirname "$0")/../unit/milter/data/smime-signed-stream.p7m" || phi_fail "smime: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed smime "PHI in opaque-signed S/MIME content is escrowed" 20
fi

# --- PHI only in the base64 attachment of a saved message (.eml) attached as application/octet-stream ---
if [ "$PHI_ESCROW_WIRED" = 1 ]; then
  printf 'Patient Jane Doe, DOB 03/14/1962, MRN 00482913, E11.9 type 2 diabetes\n' > "$PHI_DIR/note.txt"
  swaks --to c@x.example --from a@b.example --h-Subject "notes" --body "see attached" --attach-type text/plain \
    --attach-name note.txt --attach @"$PHI_DIR/note.txt" --dump-mail > "$PHI_DIR/saved.eml" 2>/dev/null \
    || phi_fail "could not build the saved message"
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Fwd" --body "Forwarding the saved message." \
    --attach-type application/octet-stream --attach-name saved.eml \
    --attach @"$PHI_DIR/saved.eml" || phi_fail "eml: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed eml "PHI in an attachment of a saved .eml sent as octet-stream is escrowed" 20
fi

# --- PHI only in an "Excel" report that is an HTML table, as EHR and billing systems export them ---
if [ "$PHI_ESCROW_WIRED" = 1 ]; then
  printf '<html><body><table><tr><td>Patient</td><td>DOB</td><td>MRN</td><td>Dx</td></tr><tr><td>Jane Doe</td><td>03/14/1962</td><td>00482913</td><td>E11.9 type 2 diabetes</td></tr></table></body></html>\n' \
    > "$PHI_DIR/report.xls"
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Report" --body "Report attached." \
    --attach-type application/vnd.ms-excel --attach-name report.xls \
    --attach @"$PHI_DIR/report.xls" || phi_fail "xls-html: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed xls-html "PHI in an HTML table sent as an Excel file is escrowed" 20
fi

# --- PHI only in a file uuencoded into the text, as "uuencode census.csv census.csv | mail" sends it from cron ---
if [ "$PHI_ESCROW_WIRED" = 1 ]; then
  printf 'Name,DOB,MRN,Dx\nJane Doe,03/14/1962,00482913,E11.9 type 2 diabetes\n' > "$PHI_DIR/census.csv"
  { printf 'Daily census attached.\n\nbegin 644 census.csv\n'
    perl -e 'local $/; print pack("u", <STDIN>)' < "$PHI_DIR/census.csv"
    printf '`\nend\n'; } > "$PHI_DIR/cron-body.txt" || phi_fail "could not uuencode the census"
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Daily census" --body @"$PHI_DIR/cron-body.txt" \
    || phi_fail "uuencode: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed uuencode "PHI in a uuencoded file in the message text is escrowed" 20
fi

# --- PHI only where an HTML reader does not see it: a link's query and an image's alt text ---
if [ "$PHI_ESCROW_WIRED" = 1 ]; then
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Your results" --add-header "MIME-Version: 1.0" \
    --add-header "Content-Type: text/html; charset=utf-8" \
    --body '<html><body><p>Your results are ready: <a href="https://portal.example/results?patient=Jane%20Doe&amp;dob=03/14/1962&amp;mrn=00482913">view</a></p><img src="cid:logo" alt="E11.9 type 2 diabetes mellitus, metformin 500 mg"></body></html>' \
    || phi_fail "html-hidden: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed html-hidden "PHI only in an HTML link and alt text is escrowed" 20
fi

# --- PHI only in a CCD (HL7 CDA) attached as XML: a name split by tags, the diagnosis in attributes ---
if [ "$PHI_ESCROW_WIRED" = 1 ]; then
  printf '<?xml version="1.0"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3"><recordTarget><patientRole><id extension="00482913" root="2.16.840.1.113883.19.5"/><patient><name><given>Jane</given><family>Doe</family></name><birthTime value="19620314"/></patient></patientRole></recordTarget><component><structuredBody><component><section><entry><observation><value code="E11.9" codeSystem="2.16.840.1.113883.6.90" displayName="Type 2 diabetes mellitus"/></observation></entry></section></component></structuredBody></component></ClinicalDocument>\n' \
    > "$PHI_DIR/ccd.xml"
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Summary of care" --body "Summary of care attached." \
    --attach-type application/xml --attach-name ccd.xml \
    --attach @"$PHI_DIR/ccd.xml" || phi_fail "ccd: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed ccd "PHI in a CCD (HL7 CDA) XML attachment is escrowed" 20
fi

# --- PHI only in an X12 837 claim (a HIPAA transaction) sent as a file ---
if [ "$PHI_ESCROW_WIRED" = 1 ]; then
  printf '%s\n' 'ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *260301*1200*^*00501*000000001*0*P*:~' \
    'GS*HC*SUB*REC*20260301*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~NM1*IL*1*DOE*JANE****MI*W123456789~' \
    'DMG*D8*19620314*F~CLM*A1B2*125***11:B:1~HI*ABK:E119~SV1*HC:99214*125*UN*1~SE*7*0001~' > "$PHI_DIR/claim.837"
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Claims batch" --body "Batch attached." \
    --attach-type application/edi-x12 --attach-name claim.837 \
    --attach @"$PHI_DIR/claim.837" || phi_fail "x12: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed x12 "PHI in an X12 837 claim file is escrowed" 20
fi

# --- PHI only in a FHIR bundle (JSON): the name in parts, the birth date after its key ---
if [ "$PHI_ESCROW_WIRED" = 1 ]; then
  printf '%s\n' '{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","name":[{"family":"Doe","given":["Jane"]}],"birthDate":"1962-03-14"}},{"resource":{"resourceType":"Condition","code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"E11.9","display":"Type 2 diabetes mellitus"}]}}}]}' \
    > "$PHI_DIR/bundle.json"
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Export" --body "Export attached." \
    --attach-type application/fhir+json --attach-name bundle.json \
    --attach @"$PHI_DIR/bundle.json" || phi_fail "fhir: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed fhir "PHI in a FHIR JSON bundle is escrowed" 20
fi

# --- PHI only in an HL7 v2 lab result's fields (no SSN, no labels): name, MRN, birth date in PID, A1c in OBX ---
if [ "$PHI_ESCROW_WIRED" = 1 ]; then
  printf 'MSH|^~\\&|LAB|HOSP|EHR|CLINIC|202612011200||ORU^R01|123|P|2.5\rPID|1||00482913^^^HOSP^MR||DOE^JANE||19620314|F\rOBR|1||A778|4548-4^Hemoglobin A1c^LN\rOBX|1|NM|4548-4^Hemoglobin A1c^LN||9.2|%%|4.0-5.6|H|||F\r' \
    > "$PHI_DIR/results.hl7"
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Interface export" --body "Export attached." \
    --attach-type application/octet-stream --attach-name results.hl7 \
    --attach @"$PHI_DIR/results.hl7" || phi_fail "hl7-fields: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed hl7-fields "PHI only in an HL7 v2 message's fields is escrowed" 20
fi

# --- PHI only in an HL7 v2 message pasted into the body of a plain text message ---
if [ "$PHI_ESCROW_WIRED" = 1 ]; then
  printf 'Hi, this ORU failed in the interface engine:\n\nMSH|^~\\&|LAB|HOSP|EHR|CLINIC|202612011200||ORU^R01|123|P|2.5\nPID|1||00482913^^^HOSP^MR||DOE^JANE||19620314|F\nOBX|1|NM|4548-4^Hemoglobin A1c^LN||9.2|%%|4.0-5.6|H\n\nThanks\n' \
    > "$PHI_DIR/pasted-hl7.txt"
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Interface error" --body @"$PHI_DIR/pasted-hl7.txt" ||
    phi_fail "hl7-pasted: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed hl7-pasted "PHI only in an HL7 v2 message pasted into a message's text is escrowed" 20
fi

# --- PHI only in a transcribed note inside an HL7 result (MDM: an OBX of type ED, RTF in base64) ---
# The name alone in PID is not PHI; before 71fd0cd the note was skipped and the rule was uninspected-insecure.
if [ "$PHI_ESCROW_WIRED" = 1 ]; then
  note=$(printf '%s' '{\rtf1\ansi Discharge summary\par Diagnosis: community-acquired pneumonia (J18.9)\par}' | base64 -w0)
  printf 'MSH|^~\\&|TX|HOSP|EHR|CLINIC|202612011200||MDM^T02|123|P|2.5\rPID|1||||LOPEZ^DIEGO\rTXA|1|DS|TX\rOBX|1|ED|NOTE||^TEXT^RTF^Base64^%s\r' \
    "$note" > "$PHI_DIR/note.hl7"
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Transcription" --body "Attached." \
    --attach-type application/hl7-v2 --attach-name note.hl7 \
    --attach @"$PHI_DIR/note.hl7" || phi_fail "hl7-note: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed hl7-note "PHI only in an RTF note inside an HL7 result is escrowed by phi-insecure" 20
fi

# --- PHI only in a DICOM image's data elements (an ultrasound study as a PACS viewer saves it) ---
if [ "$PHI_ESCROW_WIRED" = 1 ]; then
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Images" --body "Images attached." \
    --attach-type application/dicom --attach-name IM000001.dcm \
    --attach @"$(dirname "$0")/../unit/milter/data/us-explicit.dcm" || phi_fail "dicom: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed dicom "PHI in a DICOM file's patient and study elements is escrowed" 20
fi

# --- PHI only in a CDA report stored in a DICOM file (Encapsulated CDA): the data set names the patient only ---
# Before 71fd0cd the CDA was skipped and the rule was uninspected-insecure.
if [ "$PHI_ESCROW_WIRED" = 1 ]; then
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Study" --body "Attached." \
    --attach-type application/dicom --attach-name report.dcm \
    --attach @"$(dirname "$0")/../unit/milter/data/cda-report.dcm" || phi_fail "dicom-cda: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed dicom-cda "PHI only in a DICOM file's CDA report is escrowed by phi-insecure" 20
fi

# --- PHI only in the slides of a PowerPoint 97-2003 .ppt (text boxes, as LibreOffice writes them) ---
if [ "$PHI_ESCROW_WIRED" = 1 ]; then
  gzip -dc "$(dirname "$0")/../unit/milter/data/slides.ppt.gz" > "$PHI_DIR/slides.ppt" || phi_fail "could not unpack the .ppt"
  phi_send --to "c@$PHI_OPP_DOMAIN" --h-Subject "Case review" --body "Slides attached." \
    --attach-type application/vnd.ms-powerpoint --attach-name review.ppt \
    --attach @"$PHI_DIR/slides.ppt" || phi_fail "ppt: not accepted, see $PHI_SWAKS_LOG"
  assert_escrowed ppt "PHI inside a PowerPoint 97-2003 file is escrowed" 20
fi
