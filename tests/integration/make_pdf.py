#!/usr/bin/env python3
# make_pdf.py - write the small PDFs the integration scenarios send, with
# nothing but the standard library.
#   make_pdf.py text OUT.pdf LINE...   a one-page letter of typed lines (Helvetica,
#                                      deflated content stream, as a PDF writer makes it)
#   make_pdf.py titled OUT.pdf TITLE LINE...   the same with a document information
#                                      dictionary whose /Title is TITLE
#   make_pdf.py attached OUT.pdf FILE LINE...   the letter with FILE attached to the document
#                                      under its base name (an embedded file in the catalog's
#                                      EmbeddedFiles, as Acrobat's "Attach File" writes it)
#   make_pdf.py noted OUT.pdf NOTE LINE...   the letter with a sticky note (a /Text annotation)
#                                      whose text is NOTE
#   make_pdf.py scan OUT.pdf IN.pgm    a page that is only a grey picture (a scan, a fax):
#                                      IN.pgm as pdftoppm -gray writes it (binary P5)
#   make_pdf.py pictured OUT.pdf IN.pgm LINE...   the letter's lines (three at most) with
#                                      IN.pgm drawn below them, 6.5 by 8.4 inches (a screenshot
#                                      or a scan pasted into a typed letter)
#   make_pdf.py xfa OUT.pdf FIELD=VALUE...   a dynamic XML (XFA) form as LiveCycle Designer
#                                      saves one: its page says "Please wait...", the values
#                                      typed into it are its datasets packet (deflated)
import os
import sys
import zlib


def assemble(objs, info=None):
    out, offsets = b"%PDF-1.4\n", []
    for i, o in enumerate(objs):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    extra = b" /Info %d 0 R" % len(objs) if info else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, extra, xref)
    return out


def stream(dictionary, data):
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def text_page(lines):
    content = "BT /F1 11 Tf 72 720 Td 14 TL " + " ".join("(%s) '" % l for l in lines) + " ET"
    return [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            stream(b"/Filter /FlateDecode", zlib.compress(content.encode())),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]


def attach(objs, name, data):
    """Adds `data` as an embedded file named `name` to text_page's objects."""
    z = zlib.compress(data)
    objs.append(b"<< /Type /Filespec /F (%s) /UF (%s) /EF << /F %d 0 R >> >>" % (name, name, len(objs) + 2))
    objs.append(stream(b"/Type /EmbeddedFile /Filter /FlateDecode /Params << /Size %d >>" % len(data), z))
    objs[0] = b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(%s) %d 0 R] >> >> >>" % (
        name, len(objs) - 1)
    return objs


def note(objs, text):
    """Puts a sticky note saying `text` on text_page's page."""
    escaped = text.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    objs.append(b"<< /Type /Annot /Subtype /Text /Rect [72 600 92 620] /T (Reviewer) /Contents (%s) >>" % escaped)
    objs[2] = objs[2].replace(b"/Contents 4 0 R", b"/Contents 4 0 R /Annots [%d 0 R]" % len(objs))
    return objs


def picture(pgm):
    """An image XObject of `pgm`, a binary 8-bit PGM."""
    magic, size, depth, pixels = pgm.split(b"\n", 3)
    if magic != b"P5" or depth != b"255":
        raise SystemExit("make_pdf.py: not a binary 8-bit PGM")
    w, h = size.split()
    return stream(b"/Type /XObject /Subtype /Image /Width " + w + b" /Height " + h +
                  b" /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", zlib.compress(pixels))


def scan_page(pgm):
    return [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
            stream(b"", b"q 612 0 0 792 0 0 cm /Im1 Do Q"), picture(pgm)]


def pictured_page(pgm, lines):
    """text_page's lines with `pgm` drawn below them."""
    objs = text_page(lines[:3])
    content = "BT /F1 11 Tf 72 720 Td 14 TL " + " ".join("(%s) '" % l for l in lines[:3]) + " ET"
    objs[3] = stream(b"/Filter /FlateDecode", zlib.compress((content + " q 468 0 0 606 72 72 cm /Im1 Do Q").encode()))
    objs[2] = objs[2].replace(b"/Resources << /Font << /F1 5 0 R >> >>",
                              b"/Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >>")
    objs.append(picture(pgm))
    return objs


def xfa_form(fields):
    """A dynamic XFA form whose datasets packet holds `fields` (name, value)."""
    def esc(v):
        return v.replace(b"&", b"&amp;").replace(b"<", b"&lt;")
    data = b"".join(b"<%s>%s</%s>" % (k, esc(v), k) for k, v in fields)
    datasets = (b'<xfa:datasets xmlns:xfa="http://www.xfa.org/schema/xfa-data/1.0/"><xfa:data><form1>' + data +
                b"</form1></xfa:data></xfa:datasets>")
    page = (b"BT /F1 11 Tf 72 720 Td (Please wait... If this message is not eventually replaced by the proper "
            b"contents of the document, your PDF viewer may not be able to display this type of document.) Tj ET")
    return [b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /XFA [(preamble) 6 0 R (template) 7 0 R "
            b"(datasets) 8 0 R (postamble) 9 0 R] >> /NeedsRendering true >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            stream(b"/Filter /FlateDecode", zlib.compress(page)),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            stream(b"", b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/">'),
            stream(b"/Filter /FlateDecode", zlib.compress(
                b'<template xmlns="http://www.xfa.org/schema/xfa-template/3.3/"><subform name="form1">' +
                b"".join(b'<field name="%s"/>' % k for k, _ in fields) + b"</subform></template>")),
            stream(b"/Filter /FlateDecode", zlib.compress(datasets)),
            stream(b"", b"</xdp:xdp>")]


if __name__ == "__main__":
    if len(sys.argv) < 4 or sys.argv[1] not in ("text", "titled", "attached", "noted", "scan", "pictured", "xfa"):
        raise SystemExit("usage: make_pdf.py text OUT.pdf LINE... | titled OUT.pdf TITLE LINE... | "
                         "attached OUT.pdf FILE LINE... | noted OUT.pdf NOTE LINE... | scan OUT.pdf IN.pgm | "
                         "pictured OUT.pdf IN.pgm LINE... | xfa OUT.pdf FIELD=VALUE...")
    info = None
    if sys.argv[1] == "text":
        objs = text_page(sys.argv[3:])
    elif sys.argv[1] == "titled":
        objs = text_page(sys.argv[4:])
        info = b"<< /Title (%s) >>" % sys.argv[3].encode()
        objs.append(info)
    elif sys.argv[1] == "noted":
        objs = note(text_page(sys.argv[4:]), sys.argv[3].encode())
    elif sys.argv[1] == "attached":
        with open(sys.argv[3], "rb") as f:
            name = os.path.basename(sys.argv[3]).encode()
            name = name.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
            objs = attach(text_page(sys.argv[4:]), name, f.read())
    elif sys.argv[1] == "xfa":
        objs = xfa_form([tuple(a.encode().split(b"=", 1)) for a in sys.argv[3:]])
    elif sys.argv[1] == "pictured":
        with open(sys.argv[3], "rb") as f:
            objs = pictured_page(f.read(), sys.argv[4:])
    else:
        with open(sys.argv[3], "rb") as f:
            objs = scan_page(f.read())
    with open(sys.argv[2], "wb") as f:
        f.write(assemble(objs, info))
