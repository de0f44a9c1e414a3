"""Wexmoor's departments, teams, services and knowledge articles (all fictional)."""

from townhall.waste.bulky import SERVICE_SPEC as BULKY_SERVICE
from townhall.waste.containers.specs import ASSISTED_SERVICE_SPEC, CONTAINERS_SERVICE_SPEC
from townhall.waste.garden.services import SERVICE_SPEC as GARDEN_SERVICE


def choice(*pairs: str) -> list[dict]:
    return [{"value": value, "label": label} for value, label in (p.split("|") for p in pairs)]


def q(key: str, type_: str, label: str, **extra) -> dict:
    return {"key": key, "type": type_, "label": label, "required": extra.pop("required", True), **extra}


DEPARTMENTS = [
    ("environment", "Environment and streets", "Bins, recycling, street cleaning, roads and pavements."),
    ("housing", "Housing", "Council homes, repairs and private renting."),
    ("council-tax", "Council Tax and benefits", "Paying Council Tax, discounts and moving home."),
    ("planning", "Planning and building control", "Planning applications, advice and dropped kerbs."),
    ("parking", "Parking and transport", "Permits, bays and abandoned vehicles."),
    ("health", "Environmental health", "Noise, pests, food safety and pollution."),
    ("council", "The council", "Questions, complaints and how the council works."),
]

# (slug, name, team slug)
TEAMS = [
    ("contact-centre", "Contact centre", ""),
    ("waste", "Waste services", "waste@wexmoor.example"),
    ("street-care", "Street care", "streetcare@wexmoor.example"),
    ("highways", "Highways", "highways@wexmoor.example"),
    ("environmental-health", "Environmental health", "envhealth@wexmoor.example"),
    ("housing-repairs", "Housing repairs", "repairs@wexmoor.example"),
    ("council-tax", "Council Tax", "counciltax@wexmoor.example"),
    ("planning", "Planning", "planning@wexmoor.example"),
    ("parking", "Parking services", "parking@wexmoor.example"),
    ("customer-feedback", "Complaints and information", "feedback@wexmoor.example"),
]

WHERE = q("address", "address", "What is the address?", hint="Start with the postcode.")
SPOT = q("location", "location", "Where is it?", hint="Give the nearest street or postcode.")
PHOTO = q("photo", "file", "Add a photo", required=False, hint="A photo helps the crew find it. JPG, PNG or PDF.")
MORE = q("details", "long_text", "Tell us anything else that will help", required=False, max_length=2000)

SERVICES = [
    {
        "slug": "missed-bin",
        "name": "Report a missed bin collection",
        "department": "environment",
        "team": "waste",
        "summary": "Tell us if your bin was not emptied on collection day.",
        "description": "Report a missed collection by the end of the next working day after your collection day.\n\n"
        "Please leave your bin out until we return.",
        "eligibility": "Households in Wexmoor with a council collection.",
        "keywords": "rubbish, refuse, recycling, not collected, bin men",
        "deadline": 2,
        "open311": "WX-MISSED-BIN",
        "questions": [
            WHERE,
            q(
                "bin",
                "single_choice",
                "Which bin was missed?",
                options=choice(
                    "refuse|Rubbish (black bin)",
                    "recycling|Recycling (blue bin)",
                    "food|Food waste caddy",
                    "garden|Garden waste (brown bin)",
                ),
            ),
            q("out_on_time", "yes_no", "Was the bin out by 6am on collection day?"),
            MORE,
        ],
    },
    {
        "slug": "fly-tipping",
        "name": "Report fly-tipping",
        "department": "environment",
        "team": "street-care",
        "summary": "Report rubbish dumped on a street, pavement or park.",
        "keywords": "dumped rubbish, mattress, fridge, illegal dumping",
        "deadline": 3,
        "open311": "WX-FLYTIP",
        "questions": [
            SPOT,
            q(
                "what",
                "multiple_choice",
                "What has been dumped?",
                options=choice(
                    "bags|Black bags",
                    "furniture|Furniture or mattresses",
                    "electrical|Fridges or electrical items",
                    "building|Building rubble",
                    "hazardous|Chemicals, asbestos or needles",
                    "other|Something else",
                ),
            ),
            q(
                "size",
                "single_choice",
                "How much is there?",
                options=choice("small|A few bags or one item", "car|About a car boot load", "van|A van load or more"),
            ),
            q("saw_dumping", "yes_no", "Did you see who dumped it?"),
            q(
                "witness",
                "long_text",
                "Tell us what you saw",
                show_if={"question": "saw_dumping", "equals": "yes"},
                hint="For example, a vehicle registration or a description of the person.",
            ),
            PHOTO,
        ],
    },
    {
        "slug": "pothole",
        "name": "Report a pothole",
        "department": "environment",
        "team": "highways",
        "summary": "Report a pothole or damaged road surface.",
        "keywords": "road damage, hole in road, highway defect",
        "deadline": 10,
        "open311": "WX-POTHOLE",
        "questions": [
            SPOT,
            q(
                "where_on_street",
                "single_choice",
                "Where is the pothole?",
                options=choice("road|In the road", "cycle_lane|In a cycle lane", "pavement|On the pavement"),
            ),
            q("depth", "number", "Roughly how deep is it, in centimetres?", required=False, min=0, max=100),
            PHOTO,
        ],
    },
    {
        "slug": "street-light",
        "name": "Report a street light fault",
        "department": "environment",
        "team": "highways",
        "summary": "Tell us about a street light that is out, flickering or damaged.",
        "keywords": "lamp post, lighting, light out",
        "deadline": 7,
        "open311": "WX-LIGHT",
        "questions": [
            SPOT,
            q(
                "fault",
                "single_choice",
                "What is wrong with the light?",
                options=choice(
                    "out|It does not come on",
                    "day|It is on during the day",
                    "flicker|It flickers",
                    "damaged|The column is damaged or leaning",
                ),
            ),
            q(
                "column_number",
                "text",
                "Number on the lamp post",
                required=False,
                max_length=20,
                hint="Usually on a small plate about head height.",
            ),
        ],
    },
    {
        "slug": "graffiti",
        "name": "Report graffiti",
        "department": "environment",
        "team": "street-care",
        "summary": "Report graffiti on public property, or offensive graffiti anywhere.",
        "keywords": "tagging, vandalism, offensive writing",
        "deadline": 5,
        "questions": [
            SPOT,
            q("offensive", "yes_no", "Is the graffiti offensive or racist?"),
            q(
                "offensive_details",
                "text",
                "What does it say or show?",
                show_if={"question": "offensive", "equals": "yes"},
                hint="We remove offensive graffiti within 24 hours.",
            ),
            PHOTO,
        ],
    },
    {
        "slug": "street-cleaning",
        "name": "Request street cleaning",
        "department": "environment",
        "team": "street-care",
        "summary": "Ask us to sweep a street, clear leaves or empty a litter bin.",
        "keywords": "litter, leaves, sweeping, dirty street, overflowing bin",
        "deadline": 5,
        "questions": [
            SPOT,
            q(
                "problem",
                "single_choice",
                "What needs doing?",
                options=choice(
                    "litter|Litter on the street",
                    "leaves|Leaves",
                    "litter_bin|A litter bin is full",
                    "spill|A spill or broken glass",
                ),
            ),
            MORE,
        ],
    },
    {
        "slug": "dead-animal",
        "name": "Report a dead animal",
        "department": "environment",
        "team": "street-care",
        "summary": "Report a dead animal on a road or public land for removal.",
        "keywords": "fox, cat, bird, carcass",
        "deadline": 1,
        "questions": [SPOT, q("animal", "text", "What kind of animal is it?", max_length=100)],
    },
    {
        "slug": "dangerous-tree",
        "name": "Report a dangerous tree",
        "department": "environment",
        "team": "street-care",
        "summary": "Report a council tree that is damaged, leaning or blocking the way.",
        "keywords": "branch, fallen tree, overhanging",
        "deadline": 5,
        "questions": [
            SPOT,
            q(
                "danger",
                "yes_no",
                "Is anyone in immediate danger?",
                hint="If the tree has fallen across a road, call 01632 960 999 now.",
            ),
            q("problem", "long_text", "What is the problem with the tree?", max_length=2000),
        ],
    },
    {
        "slug": "blocked-drain",
        "name": "Report a blocked drain or gully",
        "department": "environment",
        "team": "highways",
        "summary": "Report a blocked road drain or flooding on the street.",
        "keywords": "flooding, gully, standing water",
        "deadline": 5,
        "open311": "WX-DRAIN",
        "questions": [SPOT, q("flooding", "yes_no", "Is the road or pavement flooded?"), PHOTO],
    },
    {
        "slug": "noise",
        "name": "Report a noise problem",
        "department": "health",
        "team": "environmental-health",
        "summary": "Report noise from a neighbour, a business, building work or an alarm.",
        "keywords": "loud music, barking dog, party, alarm, construction noise, nuisance",
        "deadline": 10,
        "questions": [
            q(
                "source",
                "single_choice",
                "What is making the noise?",
                options=choice(
                    "neighbour|A neighbour",
                    "business|A pub, club or business",
                    "construction|Building work",
                    "alarm|An alarm",
                    "other|Something else",
                ),
            ),
            q("source_address", "address", "Where is the noise coming from?", hint="Start with the postcode."),
            q("started", "date", "When did the noise start?", hint="For example, 27 3 2026"),
            q("ongoing", "yes_no", "Is it happening now?"),
            q("details", "long_text", "Describe the noise and when it happens", max_length=3000),
        ],
    },
    {
        "slug": "pests",
        "name": "Report pests",
        "department": "health",
        "team": "environmental-health",
        "summary": "Report rats, mice or other pests on public land or in council property.",
        "keywords": "rats, mice, cockroaches, wasps, vermin",
        "deadline": 10,
        "questions": [
            WHERE,
            q(
                "pest",
                "single_choice",
                "What have you seen?",
                options=choice(
                    "rats|Rats", "mice|Mice", "cockroaches|Cockroaches", "wasps|Wasps", "other|Something else"
                ),
            ),
            q("inside", "yes_no", "Are they inside a home?"),
        ],
    },
    {
        "slug": "housing-repair",
        "name": "Report a repair in a council home",
        "department": "housing",
        "team": "housing-repairs",
        "summary": "Council tenants: report a repair in your home or a communal area.",
        "eligibility": "Council tenants and leaseholders in Wexmoor. "
        "Housing association tenants should contact their landlord.",
        "keywords": "leak, boiler, heating, damp, mould, broken window",
        "deadline": 20,
        "questions": [
            WHERE,
            q(
                "area",
                "single_choice",
                "Where is the repair needed?",
                options=choice(
                    "kitchen|Kitchen",
                    "bathroom|Bathroom",
                    "heating|Heating or hot water",
                    "windows|Windows or doors",
                    "communal|A communal area",
                    "other|Somewhere else",
                ),
            ),
            q("damp", "yes_no", "Is there damp or mould?"),
            q("description", "long_text", "Describe the problem", max_length=3000),
            q("access", "text", "When can we get into your home?", required=False, max_length=200),
            PHOTO,
        ],
    },
    {
        "slug": "moving-home",
        "name": "Tell us you are moving home (Council Tax)",
        "department": "council-tax",
        "team": "council-tax",
        "summary": "Update your Council Tax when you move into, out of or within Wexmoor.",
        "keywords": "council tax, change of address, moving out, moving in",
        "deadline": 15,
        "questions": [
            q(
                "direction",
                "single_choice",
                "Are you moving",
                options=choice("into|into Wexmoor", "out|out of Wexmoor", "within|within Wexmoor"),
            ),
            q("move_date", "date", "What date did you move, or will you move?"),
            q(
                "new_address",
                "address",
                "What is your new address?",
                show_if={"question": "direction", "equals": "into"},
            ),
            q(
                "forwarding",
                "long_text",
                "What is your forwarding address?",
                show_if={"question": "direction", "equals": "out"},
            ),
            q(
                "account_number",
                "text",
                "Council Tax account number",
                required=False,
                max_length=12,
                hint="It is on your bill. It is 8 digits, for example 12345678.",
            ),
        ],
    },
    {
        "slug": "single-person-discount",
        "name": "Apply for a single person discount",
        "department": "council-tax",
        "team": "council-tax",
        "summary": "Get 25% off your Council Tax if you are the only adult living in your home.",
        "keywords": "council tax reduction, live alone, 25 percent",
        "deadline": 20,
        "questions": [
            WHERE,
            q("since", "date", "Since what date have you lived alone?"),
            q("declaration", "yes_no", "Do you confirm that no other adult aged 18 or over lives with you?"),
        ],
    },
    {
        "slug": "dropped-kerb",
        "name": "Apply for a dropped kerb",
        "department": "planning",
        "team": "highways",
        "summary": "Apply to lower the kerb outside your home so you can park on your drive.",
        "keywords": "vehicle crossover, driveway, crossing",
        "deadline": 40,
        # The application fee; building the crossing is quoted separately.
        "fee": {"fee_kind": "fixed", "fee_pence": 10000, "fund_code": "HWY-CROSSOVER"},
        "questions": [
            WHERE,
            q("width", "number", "How wide should the dropped kerb be, in metres?", min=2, max=10),
            q("plans", "file", "Upload a drawing or photo of the frontage", required=False),
        ],
    },
    {
        "slug": "garden-sacks",
        "name": "Order garden waste sacks",
        "department": "environment",
        "team": "waste",
        "summary": "Buy reusable sacks for garden waste if you do not have a brown bin.",
        "keywords": "green waste, grass cuttings, hedge trimmings, bags",
        "deadline": 10,
        "fee": {"fee_kind": "per_item", "fee_pence": 250, "fee_item_question": "sacks", "fund_code": "ENV-GARDEN"},
        "questions": [
            WHERE,
            q("sacks", "number", "How many sacks do you need?", hint="Up to 20. Each sack costs £2.50.", min=1, max=20),
        ],
    },
    {
        "slug": "abandoned-vehicle",
        "name": "Report an abandoned vehicle",
        "department": "parking",
        "team": "parking",
        "summary": "Report a vehicle that seems to have been left on a street.",
        "keywords": "dumped car, untaxed, abandoned car",
        "deadline": 10,
        "questions": [
            SPOT,
            q("registration", "text", "Vehicle registration", required=False, max_length=10),
            q(
                "how_long",
                "single_choice",
                "How long has it been there?",
                options=choice("week|Less than a week", "month|1 to 4 weeks", "longer|More than a month"),
            ),
            q("damaged", "yes_no", "Is it damaged or burnt out?"),
        ],
    },
    {
        "slug": "disabled-bay",
        "name": "Apply for a disabled parking bay",
        "department": "parking",
        "team": "parking",
        "summary": "Apply for a parking bay outside your home if you hold a Blue Badge.",
        "eligibility": "You must hold a Blue Badge and have no off-street parking.",
        "keywords": "blue badge, accessible parking",
        "deadline": 30,
        "questions": [
            WHERE,
            q("blue_badge", "yes_no", "Do you hold a Blue Badge?"),
            q(
                "badge_number",
                "text",
                "Blue Badge number",
                show_if={"question": "blue_badge", "equals": "yes"},
                max_length=20,
            ),
            q("driveway", "yes_no", "Does your home have a driveway or garage?"),
        ],
    },
    {
        "slug": "ask-a-question",
        "name": "Ask the council a question",
        "department": "council",
        "team": "contact-centre",
        "summary": "Ask us anything you cannot find an answer to on this site.",
        "keywords": "enquiry, contact us, help, question",
        "deadline": 10,
        "questions": [
            q(
                "topic",
                "single_choice",
                "What is your question about?",
                options=choice(
                    "bins|Bins and recycling",
                    "streets|Streets and roads",
                    "council_tax|Council Tax",
                    "housing|Housing",
                    "parking|Parking",
                    "other|Something else",
                ),
            ),
            q("question", "long_text", "What would you like to ask?", max_length=3000),
        ],
    },
    {
        "slug": "complaint",
        "name": "Make a complaint",
        "department": "council",
        "team": "customer-feedback",
        "restricted": True,
        "summary": "Complain about a council service or how you were treated.",
        "description": "We will acknowledge your complaint within 5 working days and respond within 10.\n\n"
        "If you are still unhappy you can ask for a review, and then go to the Local Government and Social Care "
        "Ombudsman.",
        "keywords": "unhappy, complain, poor service, feedback",
        "deadline": 10,
        "questions": [
            q(
                "about",
                "single_choice",
                "What is your complaint about?",
                options=choice(
                    "waste|Bins and recycling",
                    "streets|Streets and roads",
                    "housing|Housing",
                    "council_tax|Council Tax",
                    "staff|How a member of staff treated me",
                    "other|Something else",
                ),
            ),
            q("what_happened", "long_text", "What happened?", max_length=5000),
            q("outcome", "long_text", "What would you like us to do to put things right?", max_length=3000),
            q("evidence", "file", "Upload any evidence", required=False),
        ],
    },
]

# Services whose requests the waste module's own pages make (with a booking, a
# subscription or a container order beside the case): the demo's random requests skip them.
WASTE_MODULE_SERVICES = [CONTAINERS_SERVICE_SPEC, ASSISTED_SERVICE_SPEC, BULKY_SERVICE, GARDEN_SERVICE]
SERVICES += WASTE_MODULE_SERVICES

# (slug, title, department slug, summary, body, keywords, slugs of the services it is about)
ARTICLES = [
    (
        "christmas-collections",
        "Bin collections over Christmas and New Year",
        "environment",
        "Collections move by one day in the week after Christmas Day and New Year's Day.",
        "In the weeks of Christmas and New Year, every collection is one day later than usual. A Friday collection "
        "moves to Saturday.\n\nPut your bins out by 6am on the new day. Real Christmas trees are collected with "
        "garden waste in the first two weeks of January.",
        "christmas, bank holiday, late collection",
        ("missed-bin", "garden-waste"),
    ),
    (
        "what-goes-in-recycling",
        "What goes in your recycling bin",
        "environment",
        "Paper, card, cans, glass bottles and jars, and plastic bottles, pots, tubs and trays.",
        "Rinse containers and put items in loose, not in bags.\n\nDo not put in: nappies, food, textiles, "
        "batteries, or plastic bags and film.",
        "recycling, what can I recycle, plastic",
        ("new-bin",),
    ),
    (
        "bin-day-not-collected",
        "My bin was not collected: what to do",
        "environment",
        "Check it was out by 6am, then report a missed collection by the end of the next working day.",
        "Crews record bins that were not out or were contaminated. If your bin was out on time, report it as "
        "missed and leave it out until we return.",
        "missed bin, not emptied",
        ("missed-bin",),
    ),
    (
        "council-tax-bands",
        "Council Tax bands and charges",
        "council-tax",
        "Your band is set by the Valuation Office Agency, not the council.",
        "Charges for each band are set every April. To challenge your band, contact the Valuation Office Agency."
        "\n\nYou can pay by direct debit in 10 or 12 instalments.",
        "band, how much, valuation",
        ("single-person-discount", "moving-home"),
    ),
    (
        "pay-council-tax",
        "Ways to pay your Council Tax",
        "council-tax",
        "Direct debit, online card payment, bank transfer or at a PayPoint.",
        "Direct debit is the easiest way to pay. Your account number is on your bill.\n\n"
        "If you are struggling to pay, contact us early: we can agree a payment plan.",
        "pay, direct debit, payment",
        ("moving-home",),
    ),
    (
        "opening-hours",
        "Contact centre and civic centre opening hours",
        "council",
        "Phone lines are open 8am to 6pm, Monday to Friday; the civic centre 9am to 5pm.",
        "The contact centre number is 01632 960 000. Lines are busiest on Monday mornings.\n\nThe civic centre "
        "is closed on bank holidays.",
        "phone number, contact, hours, open",
        ("ask-a-question",),
    ),
    (
        "antisocial-behaviour",
        "Reporting anti-social behaviour",
        "council",
        "Call 999 in an emergency. Report other anti-social behaviour to the police on 101.",
        "The council deals with noise, graffiti and fly-tipping. Report crime, threats and drug dealing to the police.",
        "ASB, crime, police, threatening",
        ("noise", "graffiti", "fly-tipping"),
    ),
    (
        "parking-permits",
        "Residents' parking permits",
        "parking",
        "Permits cost from £60 a year and depend on your vehicle's emissions.",
        "You need a permit to park in a controlled parking zone during its hours. Visitor vouchers are available "
        "in books of 10.",
        "permit, CPZ, visitor parking",
        ("disabled-bay", "abandoned-vehicle"),
    ),
    (
        "damp-and-mould",
        "Damp and mould in your home",
        "housing",
        "Council tenants: report damp and mould as a repair and we will inspect within 10 working days.",
        "Keep rooms ventilated and heated where you can. Private tenants should tell their landlord first, then "
        "contact environmental health if nothing is done.",
        "condensation, black mould, damp",
        ("housing-repair",),
    ),
    (
        "bulky-waste",
        "Getting rid of large items",
        "environment",
        "We collect large household items for a charge, or you can take them to the recycling centre free.",
        "The recycling centre at Mill Lane is open every day from 8am to 5pm. Furniture in good condition can go "
        "to local reuse charities.",
        "sofa, furniture, fridge, bulky, tip",
        ("bulky-waste", "fly-tipping"),
    ),
    (
        "pothole-priorities",
        "How we decide which potholes to fix first",
        "environment",
        "Dangerous defects are made safe within 24 hours; others are repaired within 28 days.",
        "Inspectors grade every report. Potholes deeper than 5 centimetres on main roads are our highest priority.",
        "pothole, road repair, how long",
        ("pothole",),
    ),
    (
        "complaints-process",
        "How we handle complaints",
        "council",
        "Two stages: a response within 10 working days, then a review within 20.",
        "After the second stage you can go to the Local Government and Social Care Ombudsman.",
        "complaint, ombudsman, review",
        ("complaint",),
    ),
]
