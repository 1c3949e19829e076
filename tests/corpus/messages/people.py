"""people - fictional persons and organisations for the corpus (all domains reserved)."""

import datetime

import corpuslib as L

FIRST = ["james", "mary", "robert", "patricia", "john", "jennifer", "michael", "linda", "david",
         "elizabeth", "william", "barbara", "richard", "susan", "joseph", "jessica", "thomas", "karen",
         "charles", "sarah", "daniel", "nancy", "matthew", "lisa", "anthony", "betty", "mark", "sandra",
         "donald", "ashley", "steven", "kimberly", "andrew", "emily", "kenneth", "donna", "joshua",
         "michelle", "kevin", "carol", "brian", "amanda", "george", "melissa", "timothy", "deborah",
         "priya", "mei", "aisha", "diego", "fatima", "hiroshi", "olga", "kwame"]
LAST = ["smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez",
        "martinez", "hernandez", "lopez", "gonzalez", "wilson", "anderson", "taylor", "moore",
        "jackson", "martin", "lee", "perez", "thompson", "white", "harris", "sanchez", "clark",
        "ramirez", "lewis", "robinson", "walker", "young", "allen", "king", "wright", "scott",
        "torres", "nguyen", "hill", "flores", "green", "adams", "nelson", "baker", "hall", "rivera",
        "campbell", "mitchell", "carter", "roberts", "patel", "okafor", "kowalski", "lindquist"]
# Names with Latin-1 letters, for the iso-8859-1 / windows-1252 placements.
ACCENTED = [("Renée", "Côté"), ("José", "Muñoz"), ("Zoë", "Brønstad"), ("André", "Lefèvre"),
            ("Inés", "Peña"), ("Björn", "Åkesson"), ("François", "Dubé"), ("Noémie", "Gagné")]

STREETS = ["Maple Ave", "Oak St", "Cedar Ln", "Lakeview Dr", "Hillcrest Rd", "Elm St", "Birch Way"]
TOWNS = [("Springfield", "IL", "62704"), ("Riverton", "WY", "82501"), ("Fairview", "OR", "97024"),
         ("Greenville", "SC", "29601"), ("Madison", "WI", "53703"), ("Franklin", "TN", "37064")]
BASE_DATE = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=-5)))


class Person:
    def __init__(self, rng, accented=False):
        if accented:
            self.first, self.last = rng.choice(ACCENTED)
        else:
            self.first, self.last = rng.choice(FIRST).title(), rng.choice(LAST).title()
        self.full = f"{self.first} {self.last}"
        y, m, d = rng.randint(1938, 2012), rng.randint(1, 12), rng.randint(1, 28)
        self.dob = rng.choice([f"{m:02d}/{d:02d}/{y}", f"{y}-{m:02d}-{d:02d}",
                               datetime.date(y, m, d).strftime("%b %d, %Y")])
        self.mrn = rng.choice(["", "MR", "H"]) + L.gen_digits(rng, rng.choice([7, 8]))
        self.member_id = rng.choice(["XGH", "WQP", "JKM", "ZRB"]) + L.gen_digits(rng, 9)
        self.claim = rng.choice(["CLM-", "C", ""]) + L.gen_digits(rng, 11)
        self.account = "ACCT " + L.gen_digits(rng, 8)
        self.phone = f"({rng.randint(201, 989)}) 555-01{rng.randint(0, 99):02d}"
        town = rng.choice(TOWNS)
        self.address = f"{rng.randint(10, 9899)} {rng.choice(STREETS)}, {town[0]}, {town[1]} {town[2]}"
        self.email = "%s.%s@mail.example.net" % (L.ascii_fold(self.first).lower(), L.ascii_fold(self.last).lower())
        self.ssn = L.gen_ssn(rng)
        self.mbi = L.gen_mbi(rng)
        self.mbi_d = L.gen_mbi(rng, dashes=True)
        self.visit = (BASE_DATE - datetime.timedelta(days=rng.randint(2, 60))).strftime("%m/%d/%Y")


class Org:
    def __init__(self, rng, name, domain, health=True):
        self.name, self.domain, self.health = name, domain, health
        self.doctor_first, self.doctor_last = rng.choice(FIRST).title(), rng.choice(LAST).title()
        self.doctor_full = f"{self.doctor_first} {self.doctor_last}"
        self.therapist = f"{rng.choice(FIRST).title()} {rng.choice(LAST).title()}"
        self.phone = f"({rng.randint(201, 989)}) 555-01{rng.randint(0, 99):02d}"
        self.fax = f"({rng.randint(201, 989)}) 555-01{rng.randint(0, 99):02d}"
        self.address = f"{rng.randint(100, 990)} {rng.choice(STREETS)}"
        self.ip = "198.51.100.%d" % rng.randint(2, 250)
        self.staff = (f"{rng.choice(FIRST).title()} {rng.choice(LAST).title()}",
                      f"{rng.choice(['frontdesk', 'referrals', 'billing', 'noreply', 'care', 'info'])}@{domain}")

    def person(self, rng):
        return Person(rng)


HEALTH_ORGS = [("Northside Family Medicine", "northside-fm.example"),
               ("Mercy Valley Hospital", "mercy-valley.example"),
               ("Lakeshore Cardiology", "lakeshore-cardio.example"),
               ("Bayview Laboratories", "bayview-labs.example"),
               ("Granite State Health Plan", "granite-health.example"),
               ("Pinecrest Pharmacy", "pinecrest-rx.example"),
               ("Riverbend Orthopedics", "riverbend-ortho.example"),
               ("Summit Medicare Advantage", "summit-ma.example")]
OTHER_ORGS = [("Acme Outfitters", "shop.example.com"), ("Widget Labs", "widgetlabs.example"),
              ("Parcel Express", "parcel.example.net"), ("Example Corp", "corp.example.org"),
              ("Brightline Software", "brightline.example"), ("Metro Auto Care", "metroauto.example")]
RECIPIENT_DOMAINS = ["example.org", "clinic.example.net", "partners.example.com", "corp.example.org"]
