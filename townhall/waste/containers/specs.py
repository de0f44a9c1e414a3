"""The catalogue services of containers and assisted collections, in the format of
townhall/demo/catalogue_data.py SERVICES entries. The question keys are fixed: this
module's code fills them in. Tests make the services from these (`make_service`); the
demo catalogue adds them."""

from townhall.waste.containers.rules import PRICING_RULE
from townhall.waste.models import Container

_ADDRESS = {
    "key": "address",
    "type": "address",
    "label": "What is the address?",
    "hint": "Start with the postcode.",
    "required": True,
}

CONTAINERS_SERVICE_SPEC = {
    "slug": "new-bin",
    "name": "Request a new or replacement bin",
    "department": "environment",
    "team": "waste",
    "summary": "Ask for a new, replacement, extra or larger bin, recycling box or food caddy.",
    "description": "Start from your address's bin collection days page: it shows what you can ask for and "
    "what it costs.\n\nRecycling boxes and food caddies are free. We charge £25 to deliver a wheelie bin. "
    "A larger bin is for households of 6 or more people, or with a medical need.",
    "eligibility": "Households in Wexmoor with a council collection.",
    "keywords": "wheelie bin, container, box, caddy, broken bin, stolen bin, larger bin, extra recycling box",
    "deadline": 10,
    "fee": {"fee_kind": "rule", "fee_rule": PRICING_RULE, "fund_code": "ENV-CONTAINERS"},
    "questions": [
        _ADDRESS,
        {
            "key": "container",
            "type": "single_choice",
            "label": "Which container do you need?",
            "required": True,
            "options": [{"value": value, "label": str(label)} for value, label in Container.choices],
        },
        {
            "key": "reason",
            "type": "single_choice",
            "label": "Why do you need it?",
            "required": True,
            "options": [
                {"value": "new_home", "label": "I have moved into a new home and there is none"},
                {"value": "broken", "label": "Mine is broken"},
                {"value": "lost", "label": "Mine was lost or stolen"},
                {"value": "extra", "label": "I need an extra one"},
                {"value": "larger", "label": "I need a larger one"},
            ],
        },
        {"key": "quantity", "type": "number", "label": "How many do you need?", "required": True, "min": 1, "max": 10},
        {
            "key": "household_size",
            "type": "number",
            "label": "How many people live at the address?",
            "required": True,
            "min": 1,
            "max": 30,
            "show_if": {"question": "reason", "equals": "larger"},
        },
        {
            "key": "medical_need",
            "type": "yes_no",
            "label": "Does anyone at the address have a medical need that makes extra waste?",
            "required": True,
            "show_if": {"question": "reason", "equals": "larger"},
        },
        {
            "key": "medical_details",
            "type": "long_text",
            "label": "Tell us about the medical need",
            "required": False,
            "max_length": 2000,
            "show_if": {"question": "medical_need", "equals": "yes"},
        },
    ],
}

ASSISTED_SERVICE_SPEC = {
    "slug": "assisted-collection",
    "name": "Apply for an assisted bin collection",
    "department": "environment",
    "team": "waste",
    "summary": "If you cannot put your bins out, the crew can collect them from your property and put them back.",
    "description": "Start from your address's bin collection days page.\n\nAn assisted collection is for "
    "people who cannot move their bins because of a disability, illness, injury or age, and who have nobody "
    "living with them who can do it.",
    "eligibility": "Households in Wexmoor with a council collection.",
    "keywords": "assisted collection, help with bins, disabled, elderly, cannot move bin, pull out",
    "deadline": 10,
    "questions": [
        _ADDRESS,
        {
            "key": "reason",
            "type": "single_choice",
            "label": "Why can you not put your bins out?",
            "required": True,
            "options": [
                {"value": "disability", "label": "A disability or long-term health condition"},
                {"value": "injury", "label": "An illness or injury, for a while"},
                {"value": "age", "label": "Age or frailty"},
                {"value": "other", "label": "Something else"},
            ],
        },
        {"key": "details", "type": "long_text", "label": "Tell us more", "required": False, "max_length": 2000},
        {
            "key": "bin_location",
            "type": "text",
            "label": "Where are your bins kept?",
            "required": True,
            "max_length": 300,
        },
        {
            "key": "duration",
            "type": "single_choice",
            "label": "How long do you need help for?",
            "required": True,
            "options": [
                {"value": "permanent", "label": "From now on"},
                {"value": "temporary", "label": "For a while, until a date"},
            ],
        },
        {
            "key": "until",
            "type": "date",
            "label": "Until when?",
            "required": True,
            "show_if": {"question": "duration", "equals": "temporary"},
        },
        {
            "key": "someone_can_help",
            "type": "yes_no",
            "label": "Is there anyone living with you who could put the bins out?",
            "required": True,
        },
    ],
}
