#!/usr/bin/env python3
"""make_corpus - build and validate the labelled PHI evaluation corpus (python3 stdlib only).

    make_corpus.py [--out DIR] [--data DIR] [--check]

Writes DIR/m*.eml and DIR/labels.tsv deterministically from SEED. --check
builds in memory and compares with the files in DIR (exit 1 on any
difference). Every identifier a message emits is validated (SSN, ITIN, MBI,
HICN, NPI, DEA, card Luhn, NDC shape; ICD-10-CM codes and drug names against
the reference lists in --data when present), every message is parsed back
with Python's email package to prove the identifiers are visible after
decoding, and messages labelled pii=no are linted for accidental valid
identifiers. See README.md for the labelling rules.
"""

import argparse
import datetime
import email.utils
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)

import corpuslib as L  # noqa: E402
import negatives  # noqa: E402
import people  # noqa: E402
import templates  # noqa: E402
from templates import Doc  # noqa: E402

SEED = 20260302
PLACEMENTS = ["plain", "qp", "b64", "html_split", "latin1", "cp1252", "fwd_rfc822", "attach_txt",
              "alt", "fwd_inline", "with_pdf"]
HARD_PLACEMENTS = {"qp", "b64", "html_split", "latin1", "cp1252", "fwd_rfc822", "attach_txt"}


# ------------------------------------------------------------------ envelope

def received_chain(rng, sender_dom, rcpt, date):
    rdom = rcpt.split("@")[1]
    t1 = date + datetime.timedelta(seconds=rng.randint(1, 40))
    t2 = t1 + datetime.timedelta(seconds=rng.randint(1, 20))
    qid = "".join(rng.choice("0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz") for _ in range(12))
    tls = rng.random() < 0.8
    hop_in = (f"from mx-out.{sender_dom} (mx-out.{sender_dom} [198.51.100.{rng.randint(2, 250)}])\n\t"
              + ("(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\n\t key-exchange X25519)\n\t"
                 if tls else "")
              + f"by mx.{rdom} (Postfix) with {'ESMTPS' if tls else 'ESMTP'} id {qid}\n\t"
              f"for <{rcpt}>; {email.utils.format_datetime(t2)}")
    hop_sub = (f"from [192.0.2.{rng.randint(2, 250)}] (unknown [192.0.2.{rng.randint(2, 250)}])\n\t"
               f"by mx-out.{sender_dom} (Postfix) with ESMTPSA id {qid[::-1]};\n\t"
               f"{email.utils.format_datetime(t1)}")
    return [("Received", hop_in), ("Received", hop_sub)]


def display(name, addr):
    if all(ord(c) < 128 for c in name):
        return f'"{name}" <{addr}>'
    return f"{L.rfc2047(name, 'iso-8859-1', 'Q')} <{addr}>"


def encode_subject(s):
    return s if s.isascii() else L.rfc2047(s, "iso-8859-1", "Q")


def headers(rng, doc, org, date, subject_enc=None):
    sender = doc.sender or org.staff
    rcpt_name = f"{rng.choice(people.FIRST).title()} {rng.choice(people.LAST).title()}"
    rcpt = f"{L.ascii_fold(rcpt_name).split()[0].lower()}@{rng.choice(people.RECIPIENT_DOMAINS)}"
    sdom = sender[1].split("@")[1]
    hs = received_chain(rng, sdom, rcpt, date)
    hs += [("Message-ID", f"<{rng.getrandbits(64):016x}.{rng.randint(1000, 9999)}@{sdom}>"),
           ("Date", email.utils.format_datetime(date)),
           ("From", display(*sender)),
           ("To", display(rcpt_name, rcpt)),
           ("Subject", subject_enc if subject_enc is not None else encode_subject(doc.subject))]
    if rng.random() < 0.3:
        hs.append(("X-Mailer", rng.choice(["Microsoft Outlook 16.0", "Apple Mail (2.3774)", "Thunderbird 128.4"])))
    return hs


# ------------------------------------------------------------------ bodies

def split_with_tags(rng, value):
    """1<b>23</b>-45-6789 style: tags (and sometimes an entity) inside an identifier."""
    if len(value) < 3:
        return value
    i = rng.randint(1, len(value) - 2)
    j = rng.randint(i + 1, len(value) - 1)
    tag = rng.choice(["b", "span", "font", "strong"])
    attr = ' style="color:#1a1a1a"' if tag == "span" else (' color="#000000"' if tag == "font" else "")
    mid = value[i:j].replace("-", "&#45;")
    return f"{value[:i]}<{tag}{attr}>{mid}</{tag}>{value[j:]}"


def to_html(rng, text, split_values=()):
    esc = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for v in split_values:
        ev = v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        esc = esc.replace(ev, split_with_tags(rng, ev))
    paras = [p for p in esc.split("\n\n") if p.strip()]
    body = "\n".join("<p>" + p.replace("\n", "<br>\n") + "</p>" for p in paras)
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><style>p{font-family:Arial}</style>"
            "</head>\n<body>\n" + body + "\n<div style=\"display:none\">&nbsp;</div></body></html>\n")


def unwrap(text):
    """Long QP-style paragraphs: lines of a paragraph joined, so soft breaks fall inside identifiers."""
    return "\n\n".join(" ".join(line.strip() for line in p.split("\n")) for p in text.split("\n\n")) + "\n"


def pdf_bytes(rng):
    blob = bytes(rng.getrandbits(8) for _ in range(rng.randint(600, 1400)))
    return (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            b"4 0 obj\n<< /Length 900 /Filter /FlateDecode >>\nstream\n" + blob + b"\nendstream\nendobj\n%%EOF\n")


def smart_quotes(text):
    return text.replace("'", "\u2019").replace(" - ", " \u2013 ")


def benign_cover(rng):
    return rng.choice(["Please see the attached.\n", "FYI, see below/attached. Thanks.\n",
                       "Forwarding as discussed on the phone.\n", "Attached for your records.\n"])


def place(rng, doc, placement, org, date):
    """Returns (body object, outer subject or None for doc.subject)."""
    text = doc.body
    if placement == "plain":
        return L.Part("text/plain", text, "us-ascii"), None
    if placement == "qp":
        return L.Part("text/plain", unwrap(text) + "\n\u2014 sent securely\n", "utf-8", "quoted-printable"), None
    if placement == "b64":
        return L.Part("text/plain", text, "utf-8", "base64"), None
    if placement == "html_split":
        return L.Part("text/html", to_html(rng, text, doc.html_emphasis), "utf-8", "quoted-printable"), None
    if placement == "latin1":
        return L.Part("text/plain", text, "iso-8859-1", "quoted-printable"), None
    if placement == "cp1252":
        return L.Part("text/plain", smart_quotes(text), "windows-1252", "8bit"), None
    if placement == "alt":
        return L.Multi("alternative", [L.Part("text/plain", text, "us-ascii"),
                                       L.Part("text/html", to_html(rng, text), "utf-8", "quoted-printable")]), None
    if placement == "with_pdf":
        alt = L.Multi("alternative", [L.Part("text/plain", text, "us-ascii"),
                                      L.Part("text/html", to_html(rng, text), "utf-8", "base64")])
        pdf = L.Part("application/pdf", pdf_bytes(rng), cte="base64", filename=rng.choice(
            ["scan0042.pdf", "document.pdf", "letterhead.pdf"]))
        return L.Multi("mixed", [alt, pdf]), None
    if placement == "fwd_inline":
        fwd = (benign_cover(rng) + "\n---------- Forwarded message ---------\n"
               f"From: {doc.sender[0] if doc.sender else org.staff[0]} <{(doc.sender or org.staff)[1]}>\n"
               f"Date: {email.utils.format_datetime(date - datetime.timedelta(hours=3))}\n"
               f"Subject: {doc.subject}\n\n" + text)
        return L.Part("text/plain", fwd, "us-ascii"), "Fwd: " + doc.subject
    if placement == "fwd_rfc822":
        inner_hs = headers(rng, doc, org, date - datetime.timedelta(hours=5))
        inner = L.render_message(inner_hs, L.Part("text/plain", text, "utf-8", rng.choice(["7bit", "quoted-printable"])
                                                  if all(ord(c) < 128 for c in text) else "quoted-printable"), rng)
        outer = L.Multi("mixed", [L.Part("text/plain", benign_cover(rng), "us-ascii"),
                                  L.Rfc822(inner, rng.choice([None, "forwarded.eml"]))])
        return outer, "Fwd: message from " + org.name
    if placement == "attach_txt":
        fname = rng.choice(["notes.txt", "export.txt", "message_body.txt", "résumé du dossier.txt"])
        att = L.Part("text/plain", text, "utf-8", "base64", filename=fname,
                     filename_2231=not fname.isascii())
        return L.Multi("mixed", [L.Part("text/plain", benign_cover(rng), "us-ascii"), att]), "Documents"
    raise ValueError(placement)


# ------------------------------------------------------------------ special families

def subject_only(rng, p, org, variant):
    texts = [
        (f"Lab result for {p.full} (DOB {p.dob}): A1c 9.2%, please call", ["name", "dob", "lab_result"], []),
        (f"{p.full} MRN {p.mrn} - new dx prostate cancer C61", ["name", "mrn", "icd10", "diagnosis_term"], [("icd10", "C61")]),
        (f"SSN {p.ssn} {p.full} - diabetes follow-up", ["ssn", "name", "diagnosis_term"], [("ssn", p.ssn)]),
        (f"MBI {p.mbi} - {p.full}", ["mbi", "name"], [("mbi", p.mbi)]),
        (f"Re: {p.full} DOB {p.dob} positive for COVID-19", ["name", "dob", "lab_result", "diagnosis_term"], []),
        (f"Fwd: {p.full}, member ID {p.member_id}, HIV viral load", ["name", "member_id", "lab_result"], []),
    ]
    subj, cats, claims = texts[variant % len(texts)]
    body = rng.choice(["Please call me when you have a minute.\n", "See subject. Thanks!\n",
                       "Can you take a look today?\n\nSent from my phone\n"])
    d = Doc(subj, body, True, "ssn" in cats or "mbi" in cats or "mrn" in cats or "member_id" in cats or "dob" in cats,
            cats, claims, "PHI only in the Subject")
    mode = variant % 3
    if mode == 0:
        enc = subj
    else:
        cs = "iso-8859-1" if not subj.isascii() else "utf-8"
        words = [subj[i:i + 18] for i in range(0, len(subj), 18)]
        enc = "\n ".join(L.rfc2047(w, cs, "Q" if mode == 1 else "B") for w in words)
        d.note += " (RFC 2047, identifier split across encoded words)"
    return d, L.Part("text/plain", body, "us-ascii"), enc


def csv_positive(rng, org, variant):
    rows, claims = [], []
    for _ in range(rng.randint(4, 7)):
        q = people.Person(rng, accented=(variant % 3 == 2 and rng.random() < 0.5))
        code = rng.choice(sorted(templates.ICD))
        claims.append(("icd10", code))
        if variant % 3 == 1:
            rows.append([q.claim, q.member_id, q.last, q.first, q.visit, rng.choice(sorted(templates.CPT)), code])
        else:
            rows.append([q.mrn, q.last, q.first, q.dob, code.replace(".", "") if variant % 2 else code,
                         templates.ICD[code]])
    if variant % 3 == 1:
        head, cats, fname = ["claim_number", "member_id", "last", "first", "dos", "cpt", "icd10"], \
            ["claim_number", "member_id", "name", "cpt", "icd10"], "claims_export.csv"
    else:
        head, cats, fname = ["mrn", "last_name", "first_name", "dob", "dx_code", "dx_description"], \
            ["mrn", "name", "dob", "icd10", "diagnosis_term"], "census.csv"
    sep = ";" if variant % 3 == 2 else ","
    text = "\r\n".join(sep.join('"%s"' % c if (sep in c or "," in c) else c for c in r)
                       for r in [head] + rows) + "\r\n"
    if variant % 3 == 2:
        part = L.Part("text/csv", text, "windows-1252", "base64", filename="liste_réadmissions.csv",
                      filename_2231=True)
    elif variant % 3 == 1:
        part = L.Part("text/csv", text, "utf-8", "base64", filename=fname)
    else:
        part = L.Part("text/csv", text, "us-ascii", "7bit", filename=fname)
    cover = L.Part("text/plain", rng.choice(["Tomorrow's list attached.\n", "Export attached as requested.\n"]), "us-ascii")
    d = Doc("Daily export", "", True, True, cats, claims, "PHI only in a CSV attachment")
    return d, L.Multi("mixed", [cover, part]), None


def csv_negative(rng, org, variant):
    if variant % 4 == 0:
        head = "sku,part,description,qty"
        rows = [f"{L.gen_digits(rng, 9)},{c},{w},{rng.randint(1, 500)}" for c, w in
                [("J45.20", "gasket kit"), ("E11.9", "firmware module"), ("K21.0", "controller"), ("C50.9", "enclosure")]]
        d = Doc("Inventory", "", False, False, [], [], "CSV of ICD-shaped part numbers and 9-digit SKUs", decoy=True)
    elif variant % 4 == 1:
        rows, claims = [], []
        head = "last,first,specialty,npi,dea"
        for s in ["Cardiology", "Oncology", "Pediatrics", "Psychiatry", "Dermatology"]:
            q = people.Person(rng)
            npi, dea = L.gen_npi(rng), L.gen_dea(rng, q.last)
            claims += [("npi", npi), ("dea", dea)]
            rows.append(f"{q.last},{q.first},{s},{npi},{dea}")
        d = Doc("Roster", "", False, False, ["name", "npi", "dea"], claims, "CSV provider roster", decoy=True)
    elif variant % 4 == 2:
        head = "employee_id,last,first,course,completed"
        rows = [f"{L.gen_digits(rng, 6, '0123')},{q.last},{q.first},HIPAA privacy training,2026-02-{rng.randint(10, 28)}"
                for q in (people.Person(rng) for _ in range(5))]
        d = Doc("Training", "", False, False, ["name"], [], "CSV of employee IDs (HIPAA training is not health info)",
                decoy=True)
    else:
        head = "order,tracking,zip,weight_lb"
        rows = [f"{L.gen_digits(rng, 9)},9400{L.gen_digits(rng, 18, '0123456789')},{rng.randint(10000, 99999)},{rng.randint(1, 40)}"
                for _ in range(6)]
        d = Doc("Shipments", "", False, False, [], [], "CSV of 9-digit order and tracking numbers", decoy=True)
    text = head + "\n" + "\n".join(rows) + "\n"
    part = L.Part("text/csv", text, "us-ascii", rng.choice(["7bit", "base64"]), filename="report.csv")
    return d, L.Multi("mixed", [L.Part("text/plain", "Report attached.\n", "us-ascii"), part]), None


def calendar_invite(rng, org):
    d = negatives.calendar(rng, people.Person(rng), org)
    uid = f"{rng.getrandbits(64):016x}@{org.domain}"
    ics = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//Cal 1.0//EN\r\nMETHOD:REQUEST\r\n"
           f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260302T150000Z\r\nDTSTART:20260305T160000Z\r\n"
           "DTEND:20260305T170000Z\r\nSUMMARY:Quarterly planning\r\n"
           f"DESCRIPTION:Conference ID 482 913 776#\\nDial-in +1 555-0142\r\n"
           f"ORGANIZER:mailto:{org.staff[1]}\r\nSEQUENCE:0\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    body = L.Multi("alternative", [L.Part("text/plain", d.body, "us-ascii"),
                                   L.Part("text/calendar", ics, "utf-8", "7bit", params="; method=REQUEST")])
    return d, body, None


def pdf_only(rng, org):
    d = Doc("Report attached", "", False, False, [], [],
            "only a PDF (uninspectable); label covers inspectable content, classifier must list it as uninspected")
    pdf = L.Part("application/pdf", pdf_bytes(rng), cte="base64", filename="lab_report.pdf")
    return d, L.Multi("mixed", [L.Part("text/plain", "Report attached.\n", "us-ascii"), pdf]), None


# ------------------------------------------------------------------ build

class Built:
    def __init__(self, name, doc, raw, hard, placement, key):
        self.name, self.doc, self.raw, self.hard, self.placement = name, doc, raw, hard, placement
        self.key = key


def build_all():
    rng = random.Random(SEED)
    health = [people.Org(rng, n, d) for n, d in people.HEALTH_ORGS]
    other = [people.Org(rng, n, d, health=False) for n, d in people.OTHER_ORGS]
    specs = []  # (family, template/variant, placement)
    for i, t in enumerate(templates.POSITIVES):
        for k in range(4):
            specs.append(("pos", t, PLACEMENTS[(4 * i + k) % len(PLACEMENTS)]))
    for j, t in enumerate(negatives.NEGATIVES):
        for k in range(3):
            specs.append(("neg", t, PLACEMENTS[(3 * j + k + 5) % len(PLACEMENTS)]))
    specs += [("subject", v, "only") for v in range(8)]
    specs += [("csvpos", v, "export") for v in range(6)]
    specs += [("csvneg", v, "report") for v in range(6)]
    specs += [("calendar", v, "ics") for v in range(2)]
    specs += [("pdfonly", 0, "pdf")]
    order = list(range(len(specs)))
    rng.shuffle(order)
    out = []
    for n, idx in enumerate(order, 1):
        fam, t, placement = specs[idx]
        mrng = random.Random(f"{SEED}-{fam}-{getattr(t, '__name__', t)}-{placement}")
        org = mrng.choice(health if fam in ("pos", "subject", "csvpos") else other + health[:3])
        date = people.BASE_DATE + datetime.timedelta(minutes=mrng.randint(0, 60 * 24 * 20))
        subj_enc = None
        if fam in ("pos", "neg"):
            p = people.Person(mrng, accented=placement in ("latin1", "cp1252"))
            doc = t(mrng, p, org)
            body, outer_subj = place(mrng, doc, placement, org, date)
            tname = t.__name__
        elif fam == "subject":
            doc, body, subj_enc = subject_only(mrng, people.Person(mrng, accented=(t == 7)), org, t)
            outer_subj, tname = None, "subject"
        else:
            maker = {"csvpos": csv_positive, "csvneg": csv_negative}.get(fam)
            if maker:
                doc, body, outer_subj = maker(mrng, org, t)
            elif fam == "calendar":
                doc, body, outer_subj = calendar_invite(mrng, org)
            else:
                doc, body, outer_subj = pdf_only(mrng, org)
            tname = {"csvpos": "csv", "csvneg": "csv"}.get(fam, fam)
        hs = headers(mrng, doc, org, date, subj_enc)
        if outer_subj is not None:
            hs = [(k, encode_subject(outer_subj) if k == "Subject" else v) for k, v in hs]
        text = L.render_message(hs, body, mrng, crlf=(n % 3 == 0))
        raw = text.encode("latin-1")  # 8bit parts carry windows-1252 bytes; everything else is ASCII
        hard = (placement in HARD_PLACEMENTS or fam in ("subject", "csvpos", "csvneg", "pdfonly")
                or (not doc.phi and doc.decoy))
        name = f"m{n:03d}-{tname.replace('_', '-')}-{placement.replace('_', '-')}.eml"
        out.append(Built(name, doc, raw, hard, placement, (fam, getattr(t, "__name__", t), placement)))
    return out


# ------------------------------------------------------------------ validation

VALIDATORS = {"ssn": L.ssn_valid, "itin": L.itin_valid, "mbi": L.mbi_valid, "hicn": L.hicn_valid,
              "npi": L.npi_valid, "dea": L.dea_valid, "card": L.card_valid, "ndc": L.ndc_valid,
              "bad_ssn": lambda v: not L.ssn_valid(v) and not L.itin_valid(v),
              "bad_card": lambda v: not L.luhn_ok(v),
              "nine_digits": lambda v: bool(re.fullmatch(r"\d{9}", v)),
              "icd10": lambda v: bool(re.fullmatch(r"[A-Z][0-9A-Z][0-9A-Z](\.?[0-9A-Z]{1,4})?", v)),
              "drug": lambda v: bool(re.fullmatch(r"[a-z][a-z -]+", v)),
              "mrn": lambda v: bool(re.fullmatch(r"[A-Z]{0,2}\d{7,8}", v))}


def load_refs(data_dir):
    if not data_dir or not os.path.isdir(data_dir):
        return None
    refs = {}
    with open(os.path.join(data_dir, "icd10cm_codes.tsv"), encoding="ascii") as f:
        refs["icd10"] = {line.split("\t", 1)[0] for line in f}
    with open(os.path.join(data_dir, "drug_names.txt"), encoding="utf-8") as f:
        refs["drug"] = {line.strip().lower() for line in f}
    with open(os.path.join(data_dir, "first_names.tsv"), encoding="utf-8") as f:
        refs["first"] = {line.split("\t", 1)[0] for line in f}
    with open(os.path.join(data_dir, "surnames.tsv"), encoding="utf-8") as f:
        refs["last"] = {line.split("\t", 1)[0] for line in f}
    return refs


def check_refs(refs):
    errors = []
    for code in templates.ICD:
        if code.replace(".", "") not in refs["icd10"]:
            errors.append(f"ICD-10-CM code {code} not in the CMS list")
    for d in set(templates.DRUGS):
        if d not in refs["drug"]:
            errors.append(f"drug {d} not in drug_names.txt")
    errors += [f"first name {n} not in first_names.tsv" for n in people.FIRST if n not in refs["first"]]
    errors += [f"surname {n} not in surnames.tsv" for n in people.LAST if n not in refs["last"]]
    return errors


SSN_SHAPE = re.compile(r"(?<![\d-])(\d{3})[- ](\d{2})[- ](\d{4})(?![\d-])")
CARD_SHAPE = re.compile(r"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)")
MBI_SHAPE = re.compile(r"\b[1-9][A-Z][0-9A-Z]\d-?[A-Z][0-9A-Z]\d-?[A-Z]{2}\d{2}\b")


def lint_no_pii(text):
    """Valid sensitive identifiers that a pii=no message must not contain by accident."""
    found = []
    for m in SSN_SHAPE.finditer(text):
        if L.ssn_valid(m.group(0)) or L.itin_valid(m.group(0)):
            found.append("ssn-like " + m.group(0))
    for m in CARD_SHAPE.finditer(text):
        if L.card_valid(m.group(0)):
            found.append("luhn-valid " + m.group(0))
    for m in MBI_SHAPE.finditer(text):
        if L.mbi_valid(m.group(0)):
            found.append("mbi " + m.group(0))
    return found


def validate(built, refs):
    errors = []
    for b in built:
        subject, texts = L.visible_text(b.raw)
        visible = "\n".join(texts)
        flat = re.sub(r"\s+", " ", visible)
        for kind, value in b.doc.claims:
            if not VALIDATORS[kind](value):
                errors.append(f"{b.name}: {kind} {value!r} fails its validator")
            if refs and kind == "icd10" and value.replace(".", "") not in refs["icd10"]:
                errors.append(f"{b.name}: {value} not in the ICD-10-CM list")
            if refs and kind == "drug" and value not in refs["drug"]:
                errors.append(f"{b.name}: drug {value} not in drug_names.txt")
            hay = re.sub(r"\D", "", flat) if kind == "card" else flat.lower()
            if value.lower() not in hay and value.replace(".", "").lower() not in hay:
                errors.append(f"{b.name}: {kind} {value!r} not visible after decoding")
        if b.doc.note.startswith("PHI only in the Subject"):
            body_only = "\n".join(texts[1:])
            for kind, value in b.doc.claims:
                if value in body_only:
                    errors.append(f"{b.name}: subject-only identifier also in the body")
        cats = set(b.doc.cats)
        if b.doc.pii != bool(cats & templates.PII_CATS):
            errors.append(f"{b.name}: pii label disagrees with its categories (README rule)")
        if b.doc.phi and not (cats & {"mbi", "hicn"} or (cats & templates.PATIENT_ID_CATS and cats & templates.HEALTH_CATS)):
            errors.append(f"{b.name}: phi=yes without a patient identifier and health information")
        if not b.doc.pii:
            errors += [f"{b.name}: labelled pii=no but contains {x}" for x in lint_no_pii(visible)]
        if b"\n" in b.raw.replace(b"\r\n", b"") and b"\r\n" in b.raw:
            errors.append(f"{b.name}: mixed line endings")
        for h in ("Received:", "Message-ID:", "Date:", "MIME-Version:", "From:", "To:", "Subject:"):
            if h.encode() not in b.raw.split(b"\n\n")[0].split(b"\r\n\r\n")[0]:
                errors.append(f"{b.name}: missing {h}")
    return errors


def labels_tsv(built):
    lines = ["file\tphi\tpii\tcategories\thard\tnote"]
    yn = {True: "yes", False: "no"}
    for b in sorted(built, key=lambda x: x.name):
        note = f"{b.doc.note}; placement={b.placement}"
        lines.append("\t".join([b.name, yn[b.doc.phi], yn[b.doc.pii], ",".join(b.doc.cats) or "-",
                                yn[b.hard], note]))
    return "\n".join(lines) + "\n"


# (family, template or variant, placement) -> golden name, expectations (see ../golden/README.md)
GOLDEN = [
    (("pos", "discharge", "fwd_inline"), "discharge-forwarded-inline", "yes", "yes", "no", "ssn icd10", "", ""),
    (("pos", "referral", "html_split"), "referral-html-split-tags", "yes", "yes", "no", "mrn icd10", "", ""),
    (("subject", 2, "only"), "ssn-diabetes-subject-only", "yes", "yes", "yes", "ssn", "", ""),
    (("csvpos", 2, "export"), "census-csv-cp1252-rfc2231", "yes", "yes", "no", "mrn icd10", "", ""),
    (("pos", "mbi_alone", "qp"), "mbi-alone-qp", "yes", "yes", "no", "mbi", "", ""),
    (("neg", "qa_invalid_ssn", "b64"), "invalid-ssn-vectors-b64", "no", "no", "no", "", "ssn", ""),
    (("neg", "product_codes", "latin1"), "icd-shaped-product-codes", "no", "no", "no", "", "icd10", ""),
    (("neg", "roster", "alt"), "provider-roster-npi-dea", "no", "no", "no", "npi dea", "ssn", ""),
    (("neg", "invoice_full_card", "attach_txt"), "card-number-in-attachment", "no", "yes", "no", "credit_card", "", ""),
    (("pdfonly", 0, "pdf"), "pdf-only-uninspected", "no", "no", "no", "", "", "application/pdf"),
]


def golden_files(built):
    by_key = {b.key: b for b in built}
    files = {}
    for key, name, phi, pii, subj, cats, absent, unins in GOLDEN:
        b = by_key[key]
        files[name + ".eml"] = b.raw
        files[name + ".expected"] = (
            f"# expected classification of {name}.eml (copy of messages/{b.name}); format: README.md\n"
            f"phi: {phi}\npii: {pii}\nsubject_phi: {subj}\ncategories: {cats}\nabsent: {absent}\n"
            f"uninspected: {unins}\n").encode("ascii")
        assert phi == ("yes" if b.doc.phi else "no") and pii == ("yes" if b.doc.pii else "no"), name
    return files


def compare_or_write(files, out, check, pattern):
    if check:
        bad = [n for n, data in files.items()
               if not os.path.exists(os.path.join(out, n)) or open(os.path.join(out, n), "rb").read() != data]
        stale = [n for n in os.listdir(out) if n.endswith(pattern) and n not in files]
        for n in bad + stale:
            print(f"make_corpus: {os.path.join(out, n)} differs from the generator", file=sys.stderr)
        return not (bad or stale)
    os.makedirs(out, exist_ok=True)
    for n in os.listdir(out):
        if n.endswith(pattern):
            os.remove(os.path.join(out, n))
    for n, data in files.items():
        with open(os.path.join(out, n), "wb") as f:
            f.write(data)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=HERE)
    ap.add_argument("--data", default=os.environ.get("PHI_DATA", "/work/shared/data"),
                    help="directory with icd10cm_codes.tsv, drug_names.txt, first_names.tsv, surnames.tsv")
    ap.add_argument("--check", action="store_true", help="compare with the files in --out, write nothing")
    args = ap.parse_args()
    refs = load_refs(args.data)
    errors = check_refs(refs) if refs else []
    if not refs:
        print(f"make_corpus: {args.data}: reference lists not found; ICD/drug/name membership not checked",
              file=sys.stderr)
    built = build_all()
    errors += validate(built, refs)
    names = [b.name for b in built]
    if len(set(names)) != len(names):
        errors.append("duplicate file names")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    tsv = labels_tsv(built)
    files = {b.name: b.raw for b in built}
    files["labels.tsv"] = tsv.encode("utf-8")
    ok = compare_or_write(files, args.out, args.check, ".eml")
    golden_dir = os.path.join(args.out, "..", "golden")
    ok = compare_or_write(golden_files(built), golden_dir, args.check, (".eml", ".expected")) and ok
    if not ok:
        return 1
    pos = sum(b.doc.phi for b in built)
    hard = sum(b.hard for b in built)
    print(f"make_corpus: {len(built)} messages, {pos} phi, {len(built) - pos} non-phi, "
          f"{sum(b.doc.pii for b in built)} pii, {hard} hard")
    return 0


if __name__ == "__main__":
    sys.exit(main())
