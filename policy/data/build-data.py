#!/usr/bin/env python3
"""build-data - compile the classifier's shipped dictionaries into policy/data/.

Usage: policy/data/build-data.py SHARED_DATA_DIR [OUT_DIR]

Reads the public-domain reference lists (ICD-10-CM code descriptions from
CDC/CMS, SSA first names, Census 2010 surnames, FDA Drugs@FDA names; see the
README of that directory) and writes compact, sorted, one-entry-a-line files
that the build installs to pkgdatadir. Procedure and lab-test terms are
hand-written below from common public knowledge (LOINC is not used: it is
not public domain). Run it by hand when the reference data changes and
commit its output; the build never reads SHARED_DATA_DIR.
"""
import os
import re
import sys

# Words that are both names/drugs/terms and ordinary English, dropped from the
# lists where a bare dictionary hit would fire on everyday mail. Surnames keep
# them (White, Young, Lee): a surname only counts after a listed first name.
COMMON_WORDS = set("""
a able about above act action active add advance after again age agent ago aid aim air all allow alone also always
amber angel april art arch august autumn baby back bad bail bank bar base bass bay beach bear beat bell berry best
big bill bird black blaze blue bond boss bowl box brand brave bridge bright brook brown buck bud bunny bush butler
cake call camp candy cane cap cardinal care carol cash chance chase cherry chip christian church clay clear cliff
close coach cole colt cook cooper copper coral cotton crystal daisy dale dash dawn day dean dell diamond dixie
doctor don dot dove drake duke early east easter echo eden ember essence ever faith fall fate fear field finch fish
fisher fleming flower ford forest fox frank freedom friday gale gay gem general gift glad glen gold golden good
grace grant gray green grey guy hale hall happy harbor hardy hart hawk hazel head heart heather help hero hill
holly honey hope hunter ivy jack jade jay jewel jolly joy judge june july just justice king kitty lake lane
lark laurel lawyer lee legend liberty light lily long lord love lucky mark march mason may mayor meadow mercy
merry might miles miller mint miracle misty monday moon moore more morning moss nice noble north oak ocean olive
page paris park parker pat patience peace pearl penny pepper pierce piper pike plain poet pope porter post power
precious price prince queen rain rainbow ransom raven ray read reed rich ring river robin rock rose royal ruby rush
sage sailor saint salt sandy savage scout sea serenity shade shadow sharp shepherd short silver sky slater small
smith snow sparrow spring star stark steel sterling stone storm strong sugar summer sun sunday sunny swan sweet
swift taylor temple terry thursday tiger trinity true tuesday unique valentine vale walker ward warren water wave
webb wednesday west white will wind winter wolf wood woods worth wren young
also and are but can for from has have her him his how its may not now off one our out own see she the then
they this too two use was way who why yes you
oxygen water sterile dextrose caffeine alcohol ethanol nitrogen helium sodium potassium calcium zinc iron
magnesium sulfur carbon charcoal glycerin lanolin petrolatum menthol camphor urea sucrose lactose balance
complete focus genesis harmony ease elevate restore relief comfort clarity thrive vital vivid
""".split())

# An entry in capitals (AIDS, an acronym that is also a word) matches only in capitals.
CONDITIONS_EXTRA = """
diabetes|type 1 diabetes|type 2 diabetes|diabetes mellitus|prediabetes|hypertension|high blood pressure|hyperlipidemia
hypercholesterolemia|asthma|copd|chronic obstructive pulmonary disease|emphysema|bronchitis|pneumonia|influenza
covid-19|tuberculosis|hepatitis b|hepatitis c|hiv|AIDS|breast cancer|lung cancer|prostate cancer|colon cancer
colorectal cancer|pancreatic cancer|ovarian cancer|cervical cancer|skin cancer|melanoma|leukemia|lymphoma
multiple myeloma|carcinoma|metastatic|metastasis|tumor|malignancy|malignant neoplasm|chemotherapy-induced nausea
atrial fibrillation|heart failure|congestive heart failure|coronary artery disease|myocardial infarction
heart attack|angina|cardiomyopathy|arrhythmia|transient ischemic attack|deep vein thrombosis
pulmonary embolism|chronic kidney disease|end-stage renal disease|renal failure|kidney failure|dialysis
cirrhosis|fatty liver disease|pancreatitis|crohn's disease|ulcerative colitis|irritable bowel syndrome|celiac disease
gastroesophageal reflux|gerd|peptic ulcer|diverticulitis|appendicitis|cholecystitis|hypothyroidism|hyperthyroidism
graves disease|hashimoto's thyroiditis|obesity|morbid obesity|osteoporosis|osteoarthritis|rheumatoid arthritis
arthritis|lupus|systemic lupus erythematosus|psoriasis|psoriatic arthritis|gout|fibromyalgia|multiple sclerosis
parkinson's disease|alzheimer's disease|dementia|epilepsy|seizure disorder|migraine|neuropathy|peripheral neuropathy
major depressive disorder|depressive disorder|clinical depression|bipolar disorder|schizophrenia|anxiety disorder
generalized anxiety disorder|panic disorder|ptsd|post-traumatic stress disorder|adhd|autism spectrum disorder
obsessive-compulsive disorder|eating disorder|anorexia nervosa|bulimia|substance use disorder|opioid use disorder
alcohol use disorder|alcohol dependence|opioid dependence|suicidal ideation|anemia|sickle cell disease|hemophilia
thrombocytopenia|sepsis|cellulitis|urinary tract infection|uti|kidney stones|nephrolithiasis|glaucoma|cataract
macular degeneration|diabetic retinopathy|hearing loss|sleep apnea|obstructive sleep apnea|insomnia|concussion
traumatic brain injury|fracture|hip fracture|seizure|herpes|chlamydia|gonorrhea|syphilis|hpv|pregnancy|gestational diabetes
preeclampsia|miscarriage|infertility|endometriosis|polycystic ovary syndrome|erectile dysfunction|benign prostatic hyperplasia
cystic fibrosis|muscular dystrophy|cerebral palsy|down syndrome|spina bifida|scoliosis|sciatica|herniated disc
chronic pain|low back pain|hyperglycemia|hypoglycemia|diabetic ketoacidosis|hypokalemia|dehydration|malnutrition
chf|htn|ckd|esrd|afib|a-fib|dvt|t2dm|t1dm|dm2|iddm|niddm|mrsa|cva|nstemi|stemi|osa|bph|gerd|hfref|hfpef
allergic to|allergic reaction|anaphylaxis|anaphylactic shock|anaphylactic reaction|drug allergy|food allergy
penicillin allergy|peanut allergy|latex allergy|nkda|strep throat|strep|pregnant|weeks pregnant
prenatal|preterm|preterm labor|premature birth|psych unit|psychiatric unit|psych ward|psychiatric ward|psych hold
psychiatric hold|5150 hold|involuntary hold|behavioral health unit|suicide attempt|attempted suicide|self-harm
drug overdose|opioid overdose|heroin overdose|fentanyl overdose|accidental overdose|overdosed|transplant list|transplant waiting list|nicu stay|nicu admission|picu admission|admitted to the icu
admitted to the nicu|admitted to the picu|transferred to the icu|cpap|bipap|ventilator-dependent|home oxygen
diabetic|diabetic foot ulcer|foot ulcer|pressure ulcer|pressure sore|bedsore|wound infection
fevers|high fever|low-grade fever|fever of|fever since|fever and chills|fever for|has a fever|had a fever|running a fever
spiked a fever|febrile|afebrile|nausea|coughing|dry cough|wet cough|persistent cough|productive cough|bad cough
whooping cough|skin rash|dog bite|animal bite
""".replace("\n", "|").split("|")

PROCEDURES = """
appendectomy|cholecystectomy|colonoscopy|endoscopy|upper endoscopy|sigmoidoscopy|bronchoscopy|cystoscopy
biopsy|needle biopsy|bone marrow biopsy|mammogram|mammography|mri|mri scan|ct scan|cat scan|pet scan|ultrasound
echocardiogram|electrocardiogram|ekg|ecg|eeg|electroencephalogram|cardiac catheterization|angioplasty
stent placement|coronary artery bypass|bypass surgery|cabg|pacemaker implantation|defibrillator implantation
ablation|cardioversion|hysterectomy|mastectomy|lumpectomy|prostatectomy|nephrectomy|thyroidectomy|tonsillectomy
splenectomy|colectomy|gastrectomy|gastric bypass|bariatric surgery|hernia repair|knee replacement|hip replacement
total knee arthroplasty|total hip arthroplasty|arthroscopy|spinal fusion|laminectomy|discectomy|carpal tunnel release
cataract surgery|lasik|c-section|cesarean section|amniocentesis|dilation and curettage|tubal ligation|vasectomy
chemotherapy|radiation therapy|radiotherapy|immunotherapy|dialysis|hemodialysis|peritoneal dialysis|transfusion
blood transfusion|organ transplant|kidney transplant|liver transplant|bone marrow transplant|stem cell transplant
physical therapy|occupational therapy|speech therapy|psychotherapy|cognitive behavioral therapy|electroconvulsive therapy
intubation|mechanical ventilation|tracheostomy|lumbar puncture|spinal tap|paracentesis|thoracentesis|skin graft
wound debridement|debridement|suture removal|cast application|joint injection|epidural injection|nerve block
vaccination|immunization|allergy testing|pap smear|sleep study|polysomnography|pulmonary function test|spirometry
holter monitor|x-ray|chest x-ray|radiograph|dexa scan|bone density scan|genetic testing|prenatal screening
chemo|radiation treatment|infusion
had surgery|having surgery|recovering from surgery|after surgery|post-op|postop|pre-op|preop|postoperative|preoperative|wound care
""".replace("\n", "|").split("|")

# Medicines known by a plain name that the FDA list only has in longer ones.
MEDICATIONS_EXTRA = """
insulin|penicillin|sulfa|antibiotics|antibiotic|antidepressant|antidepressants|antipsychotic|antipsychotics
""".replace("\n", "|").split("|")

# The names of care documents are health information in a text ("fax the
# discharge summary for Thompson, Robert"), found as procedures, but in a
# Subject without an identifier they name what is attached, not anyone's
# health: they do not make the Subject part of a message's PHI
# (phi-in-subject; policy/scan.cc). Their own file tells the classifier so.
CARE_DOCUMENTS = "discharge summary|operative report|pathology report|radiology report".split("|")

LAB_TESTS = """
hba1c|hemoglobin a1c|a1c|glucose|fasting glucose|blood glucose|blood sugar|cholesterol|total cholesterol|ldl|hdl
triglycerides|creatinine|serum creatinine|egfr|gfr|bun|blood urea nitrogen|sodium level|potassium level
hemoglobin|hematocrit|wbc|white blood cell count|rbc|red blood cell count|platelet count|platelets|pt/inr
tsh|free t4|alkaline phosphatase|bilirubin|albumin|troponin|bnp|nt-probnp|crp|c-reactive protein
sed rate|ferritin|vitamin d|vitamin b12|folate|uric acid|lipase|amylase|ammonia|lactate|magnesium level
viral load|cd4 count|cd4|urinalysis|urine culture|blood culture|microalbumin|urine albumin|a/c ratio
oxygen saturation|spo2|o2 sat|blood pressure|heart rate|body mass index|peak flow|fev1
""".replace("\n", "|").split("|")

# Lab abbreviations that also name other things (the Alt key, an abstract
# syntax tree, a T3 line, a public service announcement, a change request):
# they count only with a value after them (lab_values.txt; the classifier's
# LabValue check), "ALT 45", "Hgb 9.8", "Cr 2.1".
LAB_VALUES = """
alt|ast|esr|t3|psa|inr|bmi|hgb|hct|plt|cr|scr|mcv|rdw|ldh|cpk|ggt|pth|glu
""".replace("\n", "|").split("|")

# Words the ICD-10-CM index lists as findings or factors (R, Y and Z codes)
# that everyday mail uses in their everyday sense ("activity report",
# "flushing the cache", "the stroke colour", "a software stress test"),
# and a test kit's brand name that is a test runner's: not health terms.
NOT_HEALTH_TERMS = set("""
activity burn-out disorientation flushing freckles hallucinations headache homelessness hostility illness
impulsiveness infestation nervousness overactivity overweight sneezing snoring stroke underweight unemployment
unhappiness weakness worries pytest
""".split())

# A stroke, said so that it cannot be a brush's, a key's or an engine's.
STROKE = [f"{a} stroke" for a in "had a|has had a|suffered a|having a|after a|minor|mild|massive|major|acute|ischemic|"
          "hemorrhagic|haemorrhagic|embolic|lacunar|thrombotic|recent|previous|prior|history of".split("|")] + \
         [f"stroke {b}" for b in "patient|patients|unit|rehab|rehabilitation|symptoms|survivor|risk|team".split("|")] + \
         ["post-stroke"]

# A cardiac stress test, not a load test of a server.
STRESS_TESTS = [f"{a} stress test" for a in "cardiac|exercise|nuclear|treadmill|pharmacologic|lexiscan|cardiolite".split("|")] + \
               ["stress echo", "stress echocardiogram"]

# Injuries named by the bone or joint: "fractured left radius", "broken wrist", "a hip fracture".
BONES = ("arm|leg|wrist|ankle|hip|rib|ribs|femur|tibia|fibula|humerus|radius|ulna|clavicle|collarbone|skull|jaw|"
         "nose|finger|toe|foot|hand|vertebra|pelvis|elbow|shoulder|knee|kneecap|patella|heel|thumb").split("|")
INJURIES = [f"{how} {side}{bone}" for how in ("fractured", "broken") for side in ("", "left ", "right ") for bone in BONES] + \
           [f"{bone} fracture" for bone in BONES] + \
           [f"{how} {side}{joint}" for how in ("sprained", "dislocated") for side in ("", "left ", "right ")
            for joint in "ankle|wrist|knee|shoulder|elbow|finger|thumb|hip|jaw".split("|")] + \
           ["torn acl", "torn meniscus", "torn rotator cuff", "torn ligament", "torn achilles"]

# Conditions counted one by one, whose plural is as telling: "two seizures",
# "kidney stones", "recurrent UTIs" (by the last word of a term).
COUNTABLE = set("""
fracture seizure tumor ulcer cataract migraine infection stone polyp cyst nodule lesion abscess hernia aneurysm
embolism miscarriage concussion carcinoma lymphoma melanoma metastasis disorder disease cancer arrhythmia injury
uti
""".split())


def plural(term):
    """The term with its last word in the plural (regular English, and -sis to -ses); a plural stays."""
    head, _, last = term.rpartition(" ")
    if last.endswith("s") and not last.endswith(("ss", "sis", "us")):
        return term  # a plural already ("kidney stones")
    if last.endswith("sis"):
        last = last[:-3] + "ses"
    elif last.endswith(("s", "x", "z", "ch", "sh")):
        last += "es"
    elif last.endswith("y") and last[-2:-1] not in ("a", "e", "i", "o", "u"):
        last = last[:-1] + "ies"
    else:
        last += "s"
    return f"{head} {last}" if head else last


def with_plurals(terms, countable=None):
    """The terms, and the plural of each (of those whose last word is countable, if given)."""
    out = set(terms)
    for t in terms:
        if t and "'" not in t and (countable is None or t.split()[-1] in countable):
            out.add(plural(t))
    return out


def write(path, items):
    items = sorted(set(i.strip() for i in items if i.strip()))
    with open(path, "w", encoding="ascii") as f:
        f.write("".join(i + "\n" for i in items))
    print(f"{path}: {len(items)} entries")


def icd_codes(src):
    codes = []
    with open(os.path.join(src, "icd10cm_codes.tsv"), encoding="ascii") as f:
        next(f)
        for line in f:
            codes.append(line.split("\t", 1)[0])
    return codes


GENERIC = {"of", "and", "with", "in", "to", "due", "other", "for", "the", "by", "or", "at", "on", "from", "as"}
NOT_A_CONDITION = re.compile(r"\d|\[|unspecified|status|left|right|encounter|history|examination|contact|"
                             r"screening|observation|problem|difficulty|finding|abnormal|counseling|personal|family")


def conditions(src):
    terms = set(CONDITIONS_EXTRA)
    with open(os.path.join(src, "icd10cm_codes.tsv"), encoding="ascii") as f:
        next(f)
        for line in f:
            d = line.rstrip("\n").split("\t", 1)[1].lower()
            d = re.sub(r",? (unspecified|without complications?|not elsewhere classified)$", "", d)
            # "X with(out) Y": the qualifiers of a code; X (two or three words) names the condition.
            cut = re.sub(r" (with|without) .*$", "", d)
            if cut != d and (len(cut.split()) < 2 or re.search(r"(associated|colliding|presenting|replaced|angle|operation|"
                                                             r"perception|against glass)$", cut)):
                continue
            d = cut
            if "," in d or "(" in d or NOT_A_CONDITION.search(d):
                continue
            words = d.split()
            if not 1 <= len(words) <= 3 or GENERIC & set(words):
                continue
            if len(words) == 1 and (len(d) < 7 or d in COMMON_WORDS):
                continue
            terms.add(d)
    terms |= set(STROKE) | set(INJURIES)
    return with_plurals(terms - NOT_HEALTH_TERMS, COUNTABLE)


def drugs(src):
    out = set()
    with open(os.path.join(src, "drug_names.txt"), encoding="ascii") as f:
        for line in f:
            n = line.strip()
            if not re.fullmatch(r"[a-z][a-z' -]{3,40}[a-z]", n):
                continue
            if n in COMMON_WORDS or any(w in COMMON_WORDS for w in n.split() if len(n.split()) == 1):
                continue
            if len(n) < 5 or n in NOT_HEALTH_TERMS:
                continue
            out.add(n)
    return out


STOP_WORDS = set("also and are but can for from has have her him his how its may not now off one our out own see she "
                 "the then they this too two use was way who why yes you".split())


def names(src, file, limit, stop):
    out = []
    with open(os.path.join(src, file), encoding="ascii") as f:
        next(f)
        for line in f:
            n = line.split("\t", 1)[0]
            if len(n) >= 3 and n not in stop and n.isalpha():
                out.append(n)
            if len(out) >= limit:
                break
    return out


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    src = sys.argv[1]
    dst = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.abspath(__file__))
    write(os.path.join(dst, "icd10cm_codes.txt"), icd_codes(src))
    write(os.path.join(dst, "conditions.txt"), conditions(src))
    write(os.path.join(dst, "medications.txt"), drugs(src) | set(MEDICATIONS_EXTRA))
    write(os.path.join(dst, "procedures.txt"), with_plurals(PROCEDURES + STRESS_TESTS))
    write(os.path.join(dst, "care_documents.txt"), with_plurals(CARE_DOCUMENTS))
    write(os.path.join(dst, "lab_tests.txt"), with_plurals(LAB_TESTS))
    write(os.path.join(dst, "lab_values.txt"), LAB_VALUES)
    write(os.path.join(dst, "first_names.txt"), names(src, "first_names.tsv", 5000, COMMON_WORDS))
    write(os.path.join(dst, "surnames.txt"), names(src, "surnames.tsv", 25000, STOP_WORDS))


if __name__ == "__main__":
    main()
