"""templates - content of the corpus messages (what is said, not how it is encoded).

Each template takes (rng, p) where p is a Person and returns a Doc. A Doc
states its own label: phi, pii, the main categories present, the
identifiers it emits (claims, validated by make_corpus.py) and a note.
Positive templates tie a patient identifier to health information about the
same person; negative templates carry look-alikes (see README.md).
"""

import corpuslib as L


class Doc:
    def __init__(self, subject, body, phi, pii, cats, claims=(), note="", decoy=False,
                 sender=None, html_emphasis=()):
        self.subject, self.body, self.phi, self.pii = subject, body, phi, pii
        self.cats, self.claims, self.note, self.decoy = list(cats), list(claims), note, decoy
        self.sender = sender  # (display name, address) or None for the default of the org
        self.html_emphasis = list(html_emphasis)  # values the HTML rendering splits with tags


ICD = {  # code -> (display, plain-language term); every code is checked against the CMS file
    "E11.9": "type 2 diabetes mellitus without complications",
    "E11.65": "type 2 diabetes mellitus with hyperglycemia",
    "I10": "essential (primary) hypertension",
    "J45.20": "mild intermittent asthma, uncomplicated",
    "J44.9": "chronic obstructive pulmonary disease",
    "F32.1": "major depressive disorder, single episode, moderate",
    "F41.1": "generalized anxiety disorder",
    "I50.9": "heart failure",
    "C50.911": "malignant neoplasm of right female breast",
    "K21.9": "gastro-esophageal reflux disease",
    "E78.5": "hyperlipidemia",
    "E03.9": "hypothyroidism",
    "G47.33": "obstructive sleep apnea",
    "J18.9": "pneumonia",
    "N39.0": "urinary tract infection",
    "U07.1": "COVID-19",
    "B20": "HIV disease",
    "F10.20": "alcohol dependence",
    "O24.410": "gestational diabetes mellitus, diet controlled",
    "S82.201A": "fracture of shaft of right tibia",
    "I21.4": "NSTEMI myocardial infarction",
    "I48.91": "atrial fibrillation",
    "G40.909": "epilepsy",
    "R73.03": "prediabetes",
    "K50.90": "Crohn's disease",
    "C61": "prostate cancer",
    "D64.9": "anemia",
    "L40.9": "psoriasis",
    "F17.210": "nicotine dependence, cigarettes",
    "I25.10": "atherosclerotic heart disease",
    "E11.22": "type 2 diabetes with diabetic chronic kidney disease",
    "N17.9": "acute kidney failure",
    "Z3A.20": "20 weeks gestation of pregnancy",
}

DRUGS = ["metformin", "lisinopril", "atorvastatin", "sertraline", "amlodipine", "levothyroxine",
         "albuterol", "warfarin", "apixaban", "gabapentin", "adalimumab", "methotrexate",
         "tamoxifen", "bupropion", "semaglutide", "buprenorphine", "prednisone", "furosemide",
         "carvedilol", "escitalopram", "lamotrigine", "emtricitabine"]

LABS = [("Hemoglobin A1c", "%", (5.9, 11.2)), ("LDL cholesterol", "mg/dL", (70, 210)),
        ("Creatinine", "mg/dL", (0.7, 3.1)), ("eGFR", "mL/min/1.73m2", (18, 95)),
        ("TSH", "mIU/L", (0.2, 11.0)), ("Potassium", "mmol/L", (3.1, 5.9)),
        ("Hemoglobin", "g/dL", (8.1, 15.9)), ("INR", "", (1.0, 4.2))]

CPT = {"99213": "office visit, established patient", "99214": "office visit, established patient",
       "83036": "hemoglobin A1c", "80053": "comprehensive metabolic panel",
       "93000": "electrocardiogram", "71046": "chest x-ray, 2 views", "77067": "screening mammography",
       "45378": "diagnostic colonoscopy", "97110": "therapeutic exercise"}


REFERRAL_DRUG = {"E11.65": ("metformin", "1000 mg twice daily"), "I48.91": ("apixaban", "5 mg twice daily"),
                 "K50.90": ("adalimumab", "40 mg every other week"), "E03.9": ("levothyroxine", "75 mcg daily"),
                 "I50.9": ("furosemide", "40 mg daily"), "L40.9": ("methotrexate", "15 mg weekly")}
REFILL_DOSES = {"lisinopril": [10, 20, 40], "atorvastatin": [10, 20, 40], "amlodipine": [5, 10],
                "sertraline": [50, 100], "escitalopram": [10, 20], "furosemide": [20, 40]}
PII_CATS = {"ssn", "itin", "mbi", "hicn", "mrn", "member_id", "account_number", "claim_number", "dob",
            "credit_card"}
PATIENT_ID_CATS = PII_CATS - {"credit_card"} | {"name"}
HEALTH_CATS = {"icd10", "ndc", "cpt", "diagnosis_term", "medication", "procedure", "lab_result"}


def icd_pick(rng, *codes):
    c = rng.choice(codes) if codes else rng.choice(sorted(ICD))
    return c, ICD[c]


def lab_lines(rng, n):
    out = []
    for name, unit, (lo, hi) in rng.sample(LABS, n):
        v = round(rng.uniform(lo, hi), 1)
        out.append("%-18s %6s %s" % (name, v, unit))
    return out


# ---------------------------------------------------------------- positives

def referral(rng, p, org):
    code, term = icd_pick(rng, "E11.65", "I48.91", "K50.90", "E03.9", "I50.9", "L40.9")
    drug, dose = REFERRAL_DRUG[code]
    body = f"""Dr. {org.doctor_last},

I am referring the patient below for evaluation and management.

Patient: {p.full}
DOB: {p.dob}
MRN: {p.mrn}
Phone: {p.phone}

Reason for referral: {term} ({code}), not at goal despite current therapy.
Current medications: {drug} {dose}.
Recent labs attached to the chart; please call with questions.

Thank you,
{org.doctor_full}, MD
{org.name}
"""
    return Doc(f"Referral: {p.full}", body, True, True,
               ["name", "dob", "mrn", "phone", "icd10", "diagnosis_term", "medication"],
               [("icd10", code), ("drug", drug), ("mrn", p.mrn)], "referral letter",
               html_emphasis=[p.mrn, p.dob])


def lab_result(rng, p, org):
    lines = "\n".join(lab_lines(rng, 4))
    body = f"""RESULT NOTIFICATION - {org.name}

Patient name: {p.last.upper()}, {p.first.upper()}
Medical record #: {p.mrn}
Collected: {p.visit}

{lines}

Flagged values were reviewed by the ordering provider. Please schedule a
follow-up visit to discuss these results.
"""
    return Doc("Your lab results are ready", body, True, True,
               ["name", "mrn", "lab_result"], [("mrn", p.mrn)], "lab results with MRN",
               html_emphasis=[p.mrn])


def discharge(rng, p, org):
    drug1, drug2 = rng.sample(DRUGS, 2)
    body = f"""DISCHARGE SUMMARY

Name: {p.full}          SSN: {p.ssn}
Date of birth: {p.dob}
Admitted: {p.visit}   Discharged: two days later

Principal diagnosis: NSTEMI myocardial infarction (I21.4)
Secondary: essential hypertension (I10)
Procedures: cardiac catheterization with drug-eluting stent to the LAD.

Discharge medications: {drug1}, {drug2}, aspirin 81 mg.
Follow up with cardiology in 1 week. Return for chest pain or shortness of breath.
"""
    return Doc(f"Discharge summary - {p.last}", body, True, True,
               ["name", "ssn", "dob", "icd10", "diagnosis_term", "procedure", "medication"],
               [("ssn", p.ssn), ("icd10", "I21.4"), ("icd10", "I10"), ("drug", drug1), ("drug", drug2)],
               "discharge summary with SSN", html_emphasis=[p.ssn])


def prior_auth(rng, p, org):
    drug = rng.choice(["adalimumab", "semaglutide", "apixaban", "methotrexate"])
    code, term = icd_pick(rng, "L40.9", "E11.65", "I48.91", "K50.90")
    ndc = L.gen_ndc(rng)
    npi = L.gen_npi(rng)
    body = f"""PRIOR AUTHORIZATION REQUEST

Member ID: {p.member_id}
Member name: {p.full}   DOB: {p.dob}
Requested drug: {drug} (NDC {ndc})
Diagnosis: {code} - {term}
Prescriber: {org.doctor_full}, NPI {npi}
Previous therapies tried and failed: 2 (see notes)

Please fax determination to {org.fax}.
"""
    return Doc(f"PA request {p.member_id}", body, True, True,
               ["member_id", "name", "dob", "medication", "ndc", "icd10", "diagnosis_term", "npi"],
               [("ndc", ndc), ("npi", npi), ("icd10", code), ("drug", drug)], "prior authorization",
               html_emphasis=[p.member_id, ndc])


def claim(rng, p, org):
    cpts = rng.sample(sorted(CPT), 2)
    code, term = icd_pick(rng, "E11.9", "I10", "J44.9", "E78.5")
    body = f"""Claim status inquiry

Claim number: {p.claim}
Beneficiary: {p.full}
MBI: {p.mbi_d}
Date of service: {p.visit}
Lines: CPT {cpts[0]} ({CPT[cpts[0]]}), CPT {cpts[1]} ({CPT[cpts[1]]})
Diagnosis: {code}

Status: pended for medical records. Please upload the visit note.
"""
    return Doc(f"Claim {p.claim} pended", body, True, True,
               ["claim_number", "name", "mbi", "cpt", "icd10"],
               [("mbi", p.mbi_d), ("icd10", code)], "Medicare claim", html_emphasis=[p.mbi_d])


def mbi_alone(rng, p, org):
    body = f"""Hello,

Please update the Medicare number on file for {p.full}. The new card shows
MBI {p.mbi}. The old number should no longer be used for eligibility checks.

Thanks,
Front desk, {org.name}
"""
    return Doc("Updated Medicare number", body, True, True, ["mbi", "name"], [("mbi", p.mbi)],
               "MBI alone counts as PHI", html_emphasis=[p.mbi])


def refill(rng, p, org):
    drug, doses = rng.choice(sorted(REFILL_DOSES.items()))
    ndc = L.gen_ndc(rng)
    body = f"""Refill request received

Patient: {p.full}
Date of birth: {p.dob}
Medication: {drug} {rng.choice(doses)} mg tablet, #90
NDC: {ndc}
Pharmacy: {org.name}, {org.phone}

The prescriber has been notified. Reply STOP to opt out of text reminders.
"""
    return Doc("Refill request", body, True, True, ["name", "dob", "medication", "ndc"],
               [("drug", drug), ("ndc", ndc)], "pharmacy refill", html_emphasis=[p.dob])


def patient_self(rng, p, org):
    code, term = icd_pick(rng, "F41.1", "G40.909", "K21.9", "E03.9", "D64.9")
    body = f"""Hi,

My name is {p.full} and I was seen last week. I was diagnosed with {term}
and the doctor started me on a new medication. Billing asked for my social
security number to fix the claim: {p.ssn}. My date of birth is {p.dob}.

Can someone call me back at {p.phone}?

{p.first}
"""
    return Doc("question about my bill", body, True, True, ["name", "ssn", "dob", "phone", "diagnosis_term"],
               [("ssn", p.ssn)], "patient writes with SSN and diagnosis", sender=(p.full, p.email),
               html_emphasis=[p.ssn])


def workers_comp(rng, p, org):
    body = f"""First report of injury - claim {p.claim}

Employee: {p.full}
SSN: {p.ssn}
Date of injury: {p.visit}
Injury: closed fracture of the right tibia shaft (S82.201A) after a fall
from a ladder. ORIF performed; non-weight-bearing for 6 weeks.
Treating physician: {org.doctor_full}

Adjuster: please confirm receipt.
"""
    return Doc(f"FROI claim {p.claim}", body, True, True,
               ["name", "ssn", "claim_number", "icd10", "diagnosis_term", "procedure"],
               [("ssn", p.ssn), ("icd10", "S82.201A")], "workers compensation report",
               html_emphasis=[p.ssn])


def therapy(rng, p, org):
    drug = rng.choice(["sertraline", "escitalopram", "bupropion"])
    body = f"""Hi {org.doctor_first},

Quick update on {p.full} before you see them Thursday. Symptoms of major
depressive disorder have improved since {drug} was increased; sleep is
better, PHQ-9 down from 17 to 9. No safety concerns today. Continue weekly
sessions.

{org.therapist}, LCSW
"""
    return Doc(f"Re: {p.first} {p.last}", body, True, False, ["name", "diagnosis_term", "medication"],
               [("drug", drug)], "name and diagnosis term only, no codes or numbers",
               html_emphasis=[p.last])


def hiv(rng, p, org):
    body = f"""Confidential

Patient: {p.full}, DOB {p.dob}, MRN {p.mrn}
HIV-1 RNA viral load: {rng.choice(['<20 copies/mL (undetectable)', '1,240 copies/mL'])}
CD4 count: {rng.randint(310, 890)} cells/uL
Dx: B20
Continue current antiretroviral regimen (emtricitabine combination).
"""
    return Doc("Results", body, True, True, ["name", "dob", "mrn", "lab_result", "icd10", "medication"],
               [("icd10", "B20"), ("drug", "emtricitabine"), ("mrn", p.mrn)], "HIV results",
               html_emphasis=[p.mrn])


def billing(rng, p, org):
    cpt = rng.choice(["45378", "77067", "93000", "71046"])
    body = f"""Statement for {p.full}
Account number: {p.account}
Service date: {p.visit}

  {CPT[cpt]} (CPT {cpt})            $1,{rng.randint(100, 999)}.00
  Insurance payment                    -$  {rng.randint(300, 900)}.00

Diagnosis on claim: {rng.choice(['K50.90', 'Z12.31', 'R07.9'])}
Amount due: ${rng.randint(40, 400)}.{rng.randint(10, 99)}
Pay online at https://billing.{org.domain}/pay
"""
    return Doc("Your statement is ready", body, True, True,
               ["name", "account_number", "cpt", "procedure", "icd10"],
               [], "hospital billing statement", html_emphasis=[p.account])


def eligibility(rng, p, org):
    body = f"""Eligibility and benefits verification

Subscriber #: {p.member_id}
Subscriber: {p.full}  DOB: {p.dob}
Prenatal care: covered. Patient is at 20 weeks gestation (Z3A.20) with
gestational diabetes, diet controlled (O24.410). Nutrition counseling
covered at 100%.
"""
    return Doc("Eligibility response", body, True, True, ["member_id", "name", "dob", "icd10", "diagnosis_term"],
               [("icd10", "Z3A.20"), ("icd10", "O24.410")], "eligibility with pregnancy diagnosis",
               html_emphasis=[p.member_id])


def oncology(rng, p, org):
    body = f"""Tumor board - case summary

{p.full} (MRN {p.mrn}), {rng.randint(41, 76)} y/o F.
Dx: C50.911 invasive ductal carcinoma, right breast, ER/PR positive.
Screening mammogram showed a 1.8 cm mass; core biopsy confirmed.
Plan: lumpectomy, then radiation and tamoxifen for 5 years.
"""
    return Doc("Tumor board Tuesday", body, True, True,
               ["name", "mrn", "icd10", "diagnosis_term", "procedure", "medication"],
               [("icd10", "C50.911"), ("drug", "tamoxifen"), ("mrn", p.mrn)], "oncology case",
               html_emphasis=[p.mrn])


def hicn(rng, p, org):
    h = p.ssn.replace("-", "") + rng.choice(["A", "B", "C1", "D"])
    body = f"""Beneficiary: {p.full}
HICN: {h}
Diagnosis: type 2 diabetes mellitus (E11.9); continuous glucose monitor requested.
Please re-submit using the MBI when the beneficiary brings the new card.
"""
    return Doc("DME order - CGM", body, True, True, ["hicn", "name", "icd10", "diagnosis_term"],
               [("hicn", h), ("icd10", "E11.9")], "legacy Medicare HICN", html_emphasis=[h])


def itin(rng, p, org):
    t = L.gen_itin(rng)
    body = f"""Sliding-scale application

Name: {p.full}
ITIN: {t}
Reason for visit: prenatal care, anemia (D64.9); iron supplement prescribed.
Household size: {rng.randint(2, 6)}
"""
    return Doc("Sliding fee application", body, True, True, ["itin", "name", "icd10", "diagnosis_term"],
               [("itin", t), ("icd10", "D64.9")], "ITIN with diagnosis", html_emphasis=[t])


def covid(rng, p, org):
    body = f"""Test result notification

{p.full}, DOB {p.dob}
SARS-CoV-2 PCR: POSITIVE
ICD-10: U07.1 (COVID-19)
Please isolate for 5 days and contact us if symptoms worsen.
"""
    return Doc("Test result", body, True, True, ["name", "dob", "lab_result", "icd10", "diagnosis_term"],
               [("icd10", "U07.1")], "COVID-19 result", html_emphasis=[p.dob])


def school_nurse(rng, p, org):
    body = f"""Dear parent or guardian of {p.full},

Our records show {p.first} (DOB {p.dob}) has mild intermittent asthma (J45.20).
Please send a signed medication authorization so the nurse's office can keep
an albuterol inhaler at school.

School Nurse
"""
    return Doc("Medication authorization needed", body, True, True, ["name", "dob", "icd10", "diagnosis_term", "medication"],
               [("icd10", "J45.20"), ("drug", "albuterol")], "school nurse letter", html_emphasis=[p.dob])


def dialysis_appt(rng, p, org):
    body = f"""Reminder for {p.full}:

Your hemodialysis session is Monday, Wednesday and Friday at 6:30 AM at the
{org.name} dialysis unit. Please bring your current medication list and your
fistula care log. End-stage renal disease patients should not skip sessions.

Call {org.phone} to reschedule.
"""
    return Doc("Your dialysis schedule", body, True, False, ["name", "procedure", "diagnosis_term"],
               [], "appointment that reveals the condition (dialysis, ESRD)", html_emphasis=[p.last])


def care_mgmt(rng, p, org):
    body = f"""Care management outreach list - today

1. {p.full}, {p.address}, {p.phone}
   COPD (J44.9), home oxygen 2 L, two ED visits in 30 days. Needs inhaler teaching.

Please document the call outcome in the care plan.
"""
    return Doc("Outreach list", body, True, False, ["name", "address", "phone", "icd10", "diagnosis_term"],
               [("icd10", "J44.9")], "name, address and COPD", html_emphasis=[p.phone])


POSITIVES = [referral, lab_result, discharge, prior_auth, claim, mbi_alone, refill, patient_self,
             workers_comp, therapy, hiv, billing, eligibility, oncology, hicn, itin, covid,
             school_nurse, dialysis_appt, care_mgmt]
