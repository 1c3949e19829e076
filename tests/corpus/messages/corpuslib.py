"""corpuslib - identifier generators/validators and a small MIME writer for make_corpus.py.

Python 3 standard library only. Everything random takes an explicit
random.Random so that the corpus is reproducible from its seed.
"""

import base64
import email
import email.header
import email.policy
import html
import quopri
import re

# --------------------------------------------------------------------------
# Validators (the rules the labels promise; see README.md)
# --------------------------------------------------------------------------

SSN_PUBLISHED = {"078051120", "219099999", "123456789"}


def ssn_valid(s):
    d = re.sub(r"[ -]", "", s)
    if not re.fullmatch(r"\d{9}", d):
        return False
    area, group, serial = int(d[:3]), int(d[3:5]), int(d[5:])
    if area == 0 or area == 666 or area >= 900:
        return False
    if group == 0 or serial == 0:
        return False
    return d not in SSN_PUBLISHED


def itin_valid(s):
    d = re.sub(r"[ -]", "", s)
    if not re.fullmatch(r"9\d{8}", d):
        return False
    g = int(d[3:5])
    return 50 <= g <= 65 or 70 <= g <= 88 or 90 <= g <= 92 or 94 <= g <= 99


MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY"  # A-Z without S L O I B Z
MBI_ALNUM = MBI_LETTERS + "0123456789"


def mbi_valid(s):
    m = s.replace("-", "")
    if len(m) != 11:
        return False
    spec = ["19", "L", "A", "D", "L", "A", "D", "L", "L", "D", "D"]
    for ch, kind in zip(m, spec):
        if kind == "19" and ch not in "123456789":
            return False
        if kind == "L" and ch not in MBI_LETTERS:
            return False
        if kind == "A" and ch not in MBI_ALNUM:
            return False
        if kind == "D" and not ch.isdigit():
            return False
    return True


def luhn_ok(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def luhn_check_digit(partial):
    for c in "0123456789":
        if luhn_ok(partial + c):
            return c
    raise AssertionError("unreachable")


def npi_valid(s):
    return bool(re.fullmatch(r"[12]\d{9}", s)) and luhn_ok("80840" + s)


DEA_FIRST = "ABFGMPR"


def dea_valid(s):
    if not re.fullmatch(r"[A-Z][A-Z9]\d{7}", s) or s[0] not in DEA_FIRST:
        return False
    d = [int(c) for c in s[2:]]
    total = d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])
    return total % 10 == d[6]


CARD_TEST_NUMBERS = {"4111111111111111", "4242424242424242", "5555555555554444",
                     "378282246310005", "4012888888881881", "5105105105105100"}


def card_valid(s):
    d = re.sub(r"[ -]", "", s)
    return (bool(re.fullmatch(r"\d{13,19}", d)) and luhn_ok(d)
            and d not in CARD_TEST_NUMBERS)


def ndc_valid(s):
    return bool(re.fullmatch(r"\d{4}-\d{4}-\d{2}|\d{5}-\d{3}-\d{2}|\d{5}-\d{4}-\d{1,2}", s))


def hicn_valid(s):
    m = re.fullmatch(r"(\d{3}-?\d{2}-?\d{4})(A|B[1-9]?|C[1-9]|D|E|M|T|W)", s)
    return bool(m) and ssn_valid(m.group(1))


# --------------------------------------------------------------------------
# Generators (always produce values their validator accepts)
# --------------------------------------------------------------------------

def gen_ssn(rng, sep="-"):
    while True:
        area = rng.randint(1, 899)
        s = "%03d%02d%04d" % (area, rng.randint(1, 99), rng.randint(1, 9999))
        if ssn_valid(s):
            return sep.join([s[:3], s[3:5], s[5:]])


def gen_itin(rng):
    g = rng.choice(list(range(70, 89)))
    return "9%02d-%02d-%04d" % (rng.randint(0, 99), g, rng.randint(1, 9999))


def gen_mbi(rng, dashes=False):
    spec = ["19", "L", "A", "D", "L", "A", "D", "L", "L", "D", "D"]
    pool = {"19": "123456789", "L": MBI_LETTERS, "A": MBI_ALNUM, "D": "0123456789"}
    m = "".join(rng.choice(pool[k]) for k in spec)
    return m[:4] + "-" + m[4:7] + "-" + m[7:] if dashes else m


def gen_npi(rng):
    base = rng.choice("12") + "".join(rng.choice("0123456789") for _ in range(8))
    full = base + luhn_check_digit("80840" + base)
    assert npi_valid(full)
    return full


def gen_dea(rng, last_name):
    d = [rng.randint(0, 9) for _ in range(6)]
    check = (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10
    s = rng.choice("ABFM") + last_name[0].upper() + "".join(map(str, d)) + str(check)
    assert dea_valid(s)
    return s


def gen_card(rng, brand="visa"):
    while True:
        if brand == "amex":
            part = rng.choice(["34", "37"]) + "".join(rng.choice("0123456789") for _ in range(12))
        elif brand == "mc":
            part = "5" + rng.choice("12345") + "".join(rng.choice("0123456789") for _ in range(13))
        else:
            part = "4" + "".join(rng.choice("0123456789") for _ in range(14))
        full = part + luhn_check_digit(part)
        if card_valid(full):
            return full


def gen_bad_card(rng):
    """16 digits starting with 4 that fail Luhn."""
    part = "4" + "".join(rng.choice("0123456789") for _ in range(14))
    good = luhn_check_digit(part)
    return part + str((int(good) + 1 + rng.randint(0, 8)) % 10)


def gen_ndc(rng):
    form = rng.choice(["4-4-2", "5-3-2", "5-4-1", "5-4-2"])
    groups = [int(x) for x in form.split("-")]
    s = "-".join("".join(rng.choice("0123456789") for _ in range(n)) for n in groups)
    assert ndc_valid(s)
    return s


def gen_digits(rng, n, first="123456789"):
    return rng.choice(first) + "".join(rng.choice("0123456789") for _ in range(n - 1))


def gen_invalid_ssn(rng):
    """A dashed SSN-shaped number that no validator may accept."""
    kind = rng.choice(["area000", "area666", "area9xx", "group00", "serial0000", "published"])
    if kind == "area000":
        s = "000-%02d-%04d" % (rng.randint(1, 99), rng.randint(1, 9999))
    elif kind == "area666":
        s = "666-%02d-%04d" % (rng.randint(1, 99), rng.randint(1, 9999))
    elif kind == "area9xx":
        s = "9%02d-%02d-%04d" % (rng.randint(0, 99), rng.choice([1, 12, 30, 45]), rng.randint(1, 9999))
    elif kind == "group00":
        s = "%03d-00-%04d" % (rng.randint(1, 665), rng.randint(1, 9999))
    elif kind == "serial0000":
        s = "%03d-%02d-0000" % (rng.randint(1, 665), rng.randint(1, 99))
    else:
        s = rng.choice(["078-05-1120", "219-09-9999", "123-45-6789"])
    assert not ssn_valid(s) and not itin_valid(s), s
    return s


# --------------------------------------------------------------------------
# MIME writer (explicit, so that every encoding choice is visible)
# --------------------------------------------------------------------------

def b64_lines(data):
    enc = base64.b64encode(data).decode("ascii")
    return "\n".join(enc[i:i + 76] for i in range(0, len(enc), 76)) + "\n"


def qp(data):
    return quopri.encodestring(data).decode("ascii")


def rfc2047(text, charset="utf-8", mode="B"):
    raw = text.encode(charset)
    if mode == "B":
        return "=?%s?B?%s?=" % (charset.upper(), base64.b64encode(raw).decode("ascii"))
    q = "".join(chr(b) if (chr(b).isalnum() and b < 128) else ("_" if b == 32 else "=%02X" % b)
                for b in raw)
    return "=?%s?Q?%s?=" % (charset.upper(), q)


def rfc2231_filename(name):
    enc = "".join(c if (c.isascii() and (c.isalnum() or c in "._-")) else
                  "".join("%%%02X" % b for b in c.encode("utf-8")) for c in name)
    return "filename*=UTF-8''" + enc


class Part:
    """A leaf MIME part: content type, encoding and the (decoded) payload."""

    def __init__(self, ctype, payload, charset=None, cte="7bit", filename=None,
                 disposition=None, filename_2231=False, params=""):
        self.ctype, self.payload, self.charset, self.cte = ctype, payload, charset, cte
        self.filename, self.disposition, self.f2231, self.params = filename, disposition, filename_2231, params

    def render(self, rng):
        data = self.payload if isinstance(self.payload, bytes) else self.payload.encode(self.charset or "ascii")
        ct = self.ctype + (('; charset="%s"' % self.charset) if self.charset else "") + self.params
        if self.filename and not self.f2231:
            ct += '; name="%s"' % self.filename
        lines = ["Content-Type: " + ct, "Content-Transfer-Encoding: " + self.cte]
        if self.disposition or self.filename:
            disp = self.disposition or "attachment"
            if self.filename:
                disp += ";\n " + (rfc2231_filename(self.filename) if self.f2231
                                  else 'filename="%s"' % self.filename)
            lines.append("Content-Disposition: " + disp)
        if self.cte == "base64":
            body = b64_lines(data)
        elif self.cte == "quoted-printable":
            body = qp(data)
        else:
            if self.cte == "7bit":
                assert data.isascii(), "7bit part with 8-bit data"
            body = data.decode("latin-1")  # raw bytes, written back with latin-1
            if not body.endswith("\n"):
                body += "\n"
        return "\n".join(lines) + "\n\n" + body


class Multi:
    def __init__(self, subtype, parts):
        self.subtype, self.parts = subtype, parts

    def render(self, rng):
        b = "=_%s_%08x" % (self.subtype[:3], rng.getrandbits(32))
        out = ['Content-Type: multipart/%s;\n boundary="%s"' % (self.subtype, b), "", "This is a multi-part message in MIME format.", ""]
        for p in self.parts:
            out.append("--" + b)
            out.append(p.render(rng).rstrip("\n"))
            out.append("")
        out.append("--" + b + "--")
        return "\n".join(out) + "\n"


class Rfc822:
    """A message/rfc822 part wrapping a whole message (headers + body)."""

    def __init__(self, message_text, filename=None):
        self.text, self.filename = message_text, filename

    def render(self, rng):
        head = "Content-Type: message/rfc822"
        if self.filename:
            head += '\nContent-Disposition: attachment; filename="%s"' % self.filename
        else:
            head += "\nContent-Disposition: inline"
        return head + "\n\n" + self.text


def render_message(headers, body, rng, crlf=False):
    """headers: list of (name, value); body: Part/Multi/Rfc822 or None."""
    lines = ["%s: %s" % (n, v) for n, v in headers]
    if body is not None:
        lines.append("MIME-Version: 1.0")
        text = "\n".join(lines) + "\n" + body.render(rng)
    else:
        text = "\n".join(lines) + "\n\n"
    text = text.replace("\r\n", "\n")
    if crlf:
        text = text.replace("\n", "\r\n")
    return text


# --------------------------------------------------------------------------
# Reading back: what an inspecting classifier can see (used for self-checks)
# --------------------------------------------------------------------------

def html_to_text(s):
    s = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", s)
    s = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</tr>|</li>|</h\d>", "\n", s)
    s = re.sub(r"(?i)</td>|</th>", " ", s)
    s = re.sub(r"<[^>]*>", "", s)
    return html.unescape(s)


UNINSPECTABLE = ("application/pdf", "application/octet-stream", "application/zip",
                 "image/", "application/vnd.")


def visible_text(raw):
    """(subject, [texts of inspectable parts]) as a MIME-aware reader decodes them."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    texts = []

    def walk(m):
        subj = m.get("Subject")
        if subj is not None:
            texts.append(str(subj))
        for part in m.walk():
            ct = part.get_content_type()
            if part.is_multipart():
                continue
            if ct == "message/rfc822":
                continue
            if any(ct.startswith(u) for u in UNINSPECTABLE):
                continue
            payload = part.get_payload(decode=True) or b""
            cs = part.get_content_charset() or "us-ascii"
            t = payload.decode(cs, errors="replace")
            texts.append(html_to_text(t) if ct == "text/html" else t)
            if part.get_filename():
                texts.append(part.get_filename())

    walk(msg)
    for part in msg.walk():
        if part.get_content_type() == "message/rfc822":
            for inner in part.iter_parts():
                texts.append(str(inner.get("Subject") or ""))
    return str(msg.get("Subject") or ""), texts


def ascii_fold(s):
    import unicodedata
    return "".join(c for c in unicodedata.normalize("NFKD", s) if c.isascii())
