"""negatives - corpus templates that carry no PHI (many with look-alikes).

Same contract as templates.py. decoy=True marks a hard negative: it contains
something a careless detector would call PHI (9-digit numbers, invalid SSNs,
ICD-shaped product codes, health words with no person, provider IDs, ...).
"""

import corpuslib as L
from templates import Doc, DRUGS


def order_confirmation(rng, p, org):
    order = L.gen_digits(rng, 9)
    trk = "1Z" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPRTUVWXY") for _ in range(16))
    body = f"""Hi {p.first},

Thanks for your order! Order #{order} has shipped.

  Trail runner shoes, size 9          $89.00
  Merino socks (3-pack)               $24.00
  Shipping                             $0.00

Tracking number: {trk}
Estimated delivery: 3-5 business days.

Acme Outfitters customer care
"""
    return Doc(f"Your order {order} has shipped", body, False, False, ["name"],
               [("nine_digits", order)], "9-digit order number and tracking number", decoy=True,
               html_emphasis=[order])


def shipping(rng, p, org):
    usps = "9400" + "".join(rng.choice("0123456789") for _ in range(18))
    body = f"""Delivery update

Package {usps} is out for delivery today between 1:00 PM and 5:00 PM.
Reference: {L.gen_digits(rng, 9)}   Route {rng.randint(100, 999)}-{rng.randint(10, 99)}

Reply HELP for help.
"""
    return Doc("Out for delivery", body, False, False, [], [], "22-digit tracking and 9-digit reference",
               decoy=True)


def qa_invalid_ssn(rng, p, org):
    bad = [L.gen_invalid_ssn(rng) for _ in range(4)]
    body = f"""Team,

The intake form validator now rejects invalid SSNs. Test vectors we use:

  {bad[0]}   -> rejected
  {bad[1]}   -> rejected
  {bad[2]}   -> rejected
  {bad[3]}   -> rejected
  078-05-1120 (the Woolworth wallet card) -> rejected

Please rerun the regression suite before Friday's release.
"""
    return Doc("SSN validator test vectors", body, False, False, ["invalid_ssn"],
               [("bad_ssn", b) for b in bad] + [("bad_ssn", "078-05-1120")],
               "invalid SSNs only", decoy=True, html_emphasis=bad[:2])


def product_codes(rng, p, org):
    body = f"""Release notes - gateway firmware

* E11.9 firmware: fixes watchdog reset on the K21.0 controller board.
* Replacement part J45.20 (gasket kit) back in stock, SKU {L.gen_digits(rng, 9)}.
* Model C50.9 enclosure: new mounting bracket, order code I10-B.
* Known issue: F32.1 diagnostic LED blinks twice at boot; harmless.

Download: https://downloads.widgetlabs.example/fw/E11.9/
"""
    return Doc("Firmware E11.9 released", body, False, False, [], [],
               "ICD-shaped product codes, no health context", decoy=True, html_emphasis=["J45.20"])


def newsletter(rng, p, org):
    drug = rng.choice(["metformin", "semaglutide"])
    body = f"""HEALTHY LIVING - MONTHLY NEWSLETTER

Managing type 2 diabetes (E11.9): five habits that help
1. Walk 30 minutes a day.
2. Know your hemoglobin A1c target; many adults aim for below 7%.
3. Ask your doctor whether {drug} is right for you.
4. Get a yearly eye exam.
5. Keep blood pressure under control: hypertension (I10) doubles the risk.

You are receiving this because you subscribed at {org.domain}.
Unsubscribe: https://news.{org.domain}/u
"""
    return Doc("Healthy Living: diabetes habits", body, False, False, ["icd10", "diagnosis_term", "medication", "lab_result"],
               [("icd10", "E11.9"), ("drug", drug)], "health newsletter, no person", decoy=True)


def drug_ad(rng, p, org):
    d1, d2 = rng.sample(DRUGS, 2)
    body = f"""SPRING SAVINGS AT {org.name.upper()}

Generic {d1} 30-day supply: $4
Generic {d2} 90-day supply: $10
Flu shots and shingles vaccines: no appointment needed.

Prices valid through the end of the month. Not valid with insurance.
"""
    return Doc("Spring savings on prescriptions", body, False, False, ["medication"],
               [("drug", d1), ("drug", d2)], "drug ad, no person", decoy=True)


def hr_ids(rng, p, org):
    rows = []
    for _ in range(4):
        q = org.person(rng)
        rows.append(f"  {q.first} {q.last:<12} Employee ID {L.gen_digits(rng, 6, '0123')}   Building {rng.randint(1, 6)}")
    body = "\n".join(["Hello managers,", "",
                      "These employees still need to finish the annual security awareness training:", ""]
                     + rows + ["", "The deadline is the 28th. Thank you,", "People Operations"]) + "\n"
    return Doc("Training completion reminder", body, False, False, ["name"], [],
               "HR mail with employee IDs and names, no health", decoy=True)


def hr_ssn(rng, p, org):
    body = f"""Hi {p.first},

Welcome aboard! Payroll could not match your W-4. We have SSN {p.ssn} on file
for {p.full}; please confirm it and your direct deposit details in the HR portal
before Friday so your first paycheck is not delayed.

People Operations
"""
    return Doc("Action needed: payroll setup", body, False, True, ["ssn", "name"], [("ssn", p.ssn)],
               "SSN without health information: PII, not PHI", decoy=True, html_emphasis=[p.ssn])


def roster(rng, p, org):
    lines = []
    claims = []
    for spec in ["Cardiology", "Family Medicine", "Endocrinology", "Psychiatry"]:
        q = org.person(rng)
        npi, dea = L.gen_npi(rng), L.gen_dea(rng, q.last)
        claims += [("npi", npi), ("dea", dea)]
        lines.append(f"  Dr. {q.first} {q.last:<12} {spec:<16} NPI {npi}  DEA {dea}")
    body = "\n".join(["Updated provider roster for the credentialing committee:", ""] + lines
                     + ["", "Please report corrections to Medical Staff Services."]) + "\n"
    return Doc("Provider roster update", body, False, False, ["name", "npi", "dea"], claims,
               "provider roster with NPI and DEA", decoy=True)


def appt_no_health(rng, p, org):
    body = f"""Hi {p.first} {p.last},

This confirms your appointment on {p.visit} at {rng.randint(8, 11)}:{rng.choice(['00', '15', '30', '45'])} AM
with {org.doctor_full} at {org.name}, {org.address}.

Please arrive 10 minutes early. Reply C to confirm or call {org.phone} to reschedule.
"""
    return Doc("Appointment confirmation", body, False, False, ["name", "phone"], [],
               "name and appointment time, no condition/service named (decided: not PHI)", decoy=True)


def invoice_masked(rng, p, org):
    last4 = "%04d" % rng.randint(1000, 9999)
    body = f"""INVOICE {L.gen_digits(rng, 9)}

Bill to: {p.full}
  Annual subscription, Team plan      $480.00
  Tax                                  $38.40
Total charged to Visa **** **** **** {last4}: $518.40

Questions? billing@{org.domain}
"""
    return Doc("Invoice and receipt", body, False, False, ["name"], [], "masked card, invoice number",
               decoy=True)


def invoice_full_card(rng, p, org):
    card = L.gen_card(rng, rng.choice(["visa", "mc", "amex"]))
    grouped = " ".join(card[i:i + 4] for i in range(0, len(card), 4))
    body = f"""Hi accounts team,

Please charge the renewal to the company card: {grouped}, exp 09/28,
name on card {p.full}. Amount $1,240.00 for 20 seats.

Thanks
"""
    return Doc("renewal payment", body, False, True, ["credit_card", "name"], [("card", card)],
               "full card number: PII, no health", decoy=True, html_emphasis=[grouped])


def marketing(rng, p, org):
    body = f"""Hi {p.first},

Our biggest sale of the year starts now: 40% off annual plans, and the
first 500 customers get a free onboarding session. Offer code SPRING40.

See what's new: https://www.{org.domain}/whats-new

You are receiving this email because you signed up at {org.domain}.
"""
    return Doc("40% off ends Sunday", body, False, False, ["name"], [], "marketing mail")


def digest(rng, p, org):
    h = "%040x" % rng.getrandbits(160)
    body = f"""dev-list Digest, Vol {rng.randint(10, 99)}, Issue {rng.randint(1, 30)}

Today's Topics:
   1. Re: build fails on arm64 (Jane Roe)
   2. release 3.12.1 tagged (Build Bot)

----------------------------------------------------------------------
Message: 1
Date: Tue, 03 Mar 2026 10:11:12 +0000
From: Jane Roe <jane@lists.example.org>

The failure is in test 2043 (timeout 120 s). Bisected to commit {h[:12]}.
Server 192.0.2.44 returned 503 after 1048576 bytes.

Message: 2
Release 3.12.1 ({h}) has sha256 {("%064x" % rng.getrandbits(256))}.
"""
    return Doc(f"dev-list Digest, Vol {rng.randint(10, 99)}", body, False, False, ["name"], [],
               "mailing-list digest with hashes, IPs, counters", decoy=True)


def calendar(rng, p, org):
    conf = f"{rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
    body = f"""You have been invited to: Quarterly planning

When: Thursday 10:00-11:00 (America/Chicago)
Join: https://meet.{org.domain}/j/{L.gen_digits(rng, 10)}
Dial-in: +1 555-0{rng.randint(100, 199)} Conference ID: {conf}#
"""
    return Doc("Invitation: Quarterly planning", body, False, False, [], [],
               "calendar invite with conference IDs", decoy=True)


def code_snippet(rng, p, org):
    bad = L.gen_bad_card(rng)
    body = f"""Can someone review this? The masking test fails on CI.

    SSN_RE = re.compile(r"\\b(\\d{{3}})-(\\d{{2}})-(\\d{{4}})\\b")

    def test_mask():
        assert mask("123-45-6789") == "***-**-6789"
        assert not luhn("{bad}")
        assert parse_port("8080") == 8080
        sleep(0.250)  # 250 ms

Stack trace line 1184 in worker.py, pid 20931.
"""
    return Doc("[PR 482] fix masking test", body, False, False, ["invalid_ssn"],
               [("bad_ssn", "123-45-6789"), ("bad_card", bad)], "code snippet with digits", decoy=True)


def aggregate(rng, p, org):
    body = f"""Q1 quality dashboard (de-identified, aggregate)

Patients with diabetes (E11.9) on registry:        {rng.randint(900, 1900)}
  with hemoglobin A1c > 9%:                         {rng.randint(80, 240)}
Patients with hypertension (I10) controlled:        {rng.randint(50, 80)}%
Statin use in atherosclerotic heart disease:        {rng.randint(70, 95)}%

No patient-level data is included in this report.
"""
    return Doc("Q1 quality dashboard", body, False, False, ["icd10", "diagnosis_term", "lab_result"],
               [("icd10", "E11.9"), ("icd10", "I10")], "aggregate statistics, no individual", decoy=True)


def conference(rng, p, org):
    q = org.person(rng)
    body = f"""Grand Rounds this Friday

Dr. {q.first} {q.last}, {org.name}, will present "New options in heart failure
with reduced ejection fraction", including trial data on apixaban in atrial
fibrillation and updates on chronic kidney disease.

Lunch provided. CME credit: 1.0
"""
    return Doc("Grand Rounds: heart failure", body, False, False, ["name", "diagnosis_term", "medication"],
               [("drug", "apixaban")], "clinician name next to health terms, not about a patient",
               decoy=True)


def ndc_price_list(rng, p, org):
    rows = []
    claims = []
    for d in rng.sample(DRUGS, 5):
        ndc = L.gen_ndc(rng)
        claims += [("ndc", ndc), ("drug", d)]
        rows.append(f"{ndc},{d},{rng.randint(1, 90)}.{rng.randint(10, 99)}")
    body = "ndc,drug,unit_price\n" + "\n".join(rows) + "\n"
    return Doc("Wholesale price file", body, False, False, ["ndc", "medication"], claims,
               "drug price list, no person", decoy=True)


def it_ticket(rng, p, org):
    body = f"""Ticket {L.gen_digits(rng, 9)} has been updated.

Requester: {p.full}
Issue: printer on floor 3 shows error 0x{rng.getrandbits(16):04X}, asset tag {L.gen_digits(rng, 9)}.
Status: resolved - replaced fuser unit.
"""
    return Doc("Ticket updated", body, False, False, ["name"], [], "IT ticket with 9-digit numbers",
               decoy=True)


def meeting_notes(rng, p, org):
    body = f"""Notes from today's sync

- Budget review moved to next week.
- {p.first} will draft the vendor comparison.
- Office move: boxes arrive on the 14th.

Thanks all.
"""
    return Doc("Sync notes", body, False, False, ["name"], [], "plain business mail")


def lunch(rng, p, org):
    body = f"""Hey {p.first}, lunch Friday? The new noodle place on 5th opens at 11:30.
"""
    return Doc("lunch?", body, False, False, ["name"], [], "personal note")


def pharmacy_hours(rng, p, org):
    body = f"""Holiday hours at {org.name}

The pharmacy closes at 2 PM on Thursday. Flu shots, COVID-19 boosters and
blood pressure checks resume Friday. Refills can be requested online 24/7.
"""
    return Doc("Holiday hours", body, False, False, ["diagnosis_term"], [],
               "health words, no person", decoy=True)


def open_enrollment(rng, p, org):
    body = f"""Open enrollment starts Monday

All plans cover preventive care at 100%: screening mammograms, colonoscopy,
diabetes and cholesterol screening. The Gold plan adds lower copays for
specialty drugs such as adalimumab. Employee ID required to log in.
"""
    return Doc("Open enrollment", body, False, False, ["procedure", "medication"],
               [("drug", "adalimumab")], "benefits mail, no person", decoy=True)


def car_service(rng, p, org):
    vin = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(17))
    body = f"""Hi {p.first},

Your vehicle (VIN {vin}) is booked for its 30,000-mile service on {p.visit} at
8:00 AM. Estimated cost $289.00. Work order {L.gen_digits(rng, 9)}.
"""
    return Doc("Service appointment", body, False, False, ["name"], [], "appointment, not medical",
               decoy=True)


def study_recruit(rng, p, org):
    body = f"""Research study: adults with type 2 diabetes

The endocrinology department is recruiting adults aged 40-70 with type 2
diabetes (E11.9) who take metformin for a 12-week nutrition study.
Compensation up to $300. Contact the study coordinator at {org.phone}.
"""
    return Doc("Study recruitment", body, False, False, ["icd10", "diagnosis_term", "medication"],
               [("icd10", "E11.9"), ("drug", "metformin")], "recruitment ad, no person", decoy=True)


def credentialing(rng, p, org):
    q = org.person(rng)
    npi, dea = L.gen_npi(rng), L.gen_dea(rng, q.last)
    body = f"""Credentialing file complete for Dr. {q.first} {q.last}

NPI: {npi}
DEA: {dea}
Board certification: Internal Medicine, expires 2031.
Malpractice coverage verified.
"""
    return Doc("Credentialing complete", body, False, False, ["name", "npi", "dea"],
               [("npi", npi), ("dea", dea)], "one provider's NPI and DEA", decoy=True)


NEGATIVES = [order_confirmation, shipping, qa_invalid_ssn, product_codes, newsletter, drug_ad, hr_ids,
             hr_ssn, roster, appt_no_health, invoice_masked, invoice_full_card, marketing, digest,
             calendar, code_snippet, aggregate, conference, ndc_price_list, it_ticket, meeting_notes,
             lunch, pharmacy_hours, open_enrollment, car_service, study_recruit, credentialing]
