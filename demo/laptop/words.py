"""The laptop demo's names, places and words: UK-plausible and invented, so no demo child can be
mistaken for a real one. Names, streets and the town (Fennbridge, postcode area FB, which does
not exist) are made up; what a child says fits their age band (``WISHES``)."""

from __future__ import annotations

GIRLS = (
    "Amara", "Leah", "Zainab", "Maya", "Aisha", "Poppy", "Isla", "Ruby", "Nia", "Sofia",
    "Freya", "Imani", "Lily", "Chloe", "Hana", "Evie", "Maisie", "Ava", "Summer", "Kacey",
    "Layla", "Niamh", "Ellie", "Tia", "Ola", "Zofia", "Rosie", "Skye", "Amelia", "Mia",
)  # fmt: skip
BOYS = (
    "Oliver", "Kai", "Finley", "Tyler", "Jayden", "Reuben", "Dylan", "Callum", "Harvey", "Logan",
    "Mason", "Archie", "Ezra", "Riley", "Ellis", "Alfie", "Kian", "Musa", "Tomasz", "Jake",
    "Ibrahim", "Corey", "Leon", "Noah", "Frankie", "Zayn", "Theo", "Reggie", "Kofi", "Jacob",
)  # fmt: skip
NICKNAMES = {
    "Alfie": "Alf", "Amelia": "Millie", "Jacob": "Jake", "Theo": "Teddy", "Zofia": "Zosia",
    "Callum": "Cal", "Frankie": "Frank", "Ellie": "El", "Reggie": "Reg", "Oliver": "Ollie",
}  # fmt: skip
SURNAMES = (
    "Okafor", "Whitfield", "Patel", "Nowak", "Hughes", "Begum", "Murphy", "Clarke", "Ahmed",
    "Kowalski", "Bennett", "Osei", "Fletcher", "Doyle", "Khan", "Marsh", "Adeyemi", "Price",
    "Shaw", "Lewandowski", "Grant", "Rahman", "Ellison", "Boateng", "Wright", "Farrow",
    "Hollis", "Mensah", "Tranter", "Quigley", "Achterberg", "Dunmore", "Siddiqui", "Pennock",
    "Lowther", "Varga", "Ashdown", "Kerrigan", "Mabey", "Oduya", "Thorne", "Castell",
)  # fmt: skip
STREETS = (
    "Mill Lane", "Park Road", "Church Street", "Orchard Close", "Fen View", "Willow Way",
    "Station Road", "Bramble Court", "Nene Walk", "Chapel Row", "Heron Drive", "Market Hill",
)  # fmt: skip
TOWN = "Fennbridge"
IROS = ("Janet Rowe", "Femi Adebayo", "Claire Whitlock", "Hassan Mirza", "Ruth Penhale")

OBSERVATIONS = {
    "baby": (
        "Asleep when I arrived; woke and fed well. Carer keeps a clear feeding and sleep diary.",
        "Alert and smiling, reaching for toys. Health visitor seen last week; weight on track.",
        "Settles quickly with the carer; a little unsettled after contact, easing by evening.",
        "Rolling over now. Carer has noticed a nappy rash and is seeing the GP on Friday.",
    ),
    "young": (
        "Settled and chatty; showed me the new bike and talked about football club.",
        "A little withdrawn at first; relaxed after we went for a walk to the park.",
        "Proud of a school certificate for reading; carer reports a good sleep routine.",
        "Talked about missing mum before contact; agreed to ask about an extra phone call.",
        "Enjoying cooking with the carers; school attendance has improved this term.",
        "Drew a picture of everyone at home and named the dog first. Speech is coming on well.",
    ),
    "teen": (
        "Quiet but polite; wants more time on the phone to friends. Agreed a later curfew trial.",
        "Doing well at college on the motor vehicle course; wants help opening a bank account.",
        "Angry about a cancelled contact; we talked it through and rebooked it for next week.",
        "Has joined the boxing club and is sleeping better. School report mostly positive.",
        "Worried about moving schools; we went through the plan together and it helped.",
        "Wants to learn to cook before turning 18; carer will start with two meals a week.",
    ),
}
#: What a child said, by age band and where they live ("{home}": "the carers", "mum" or "the
#: staff"): a four-year-old does not ask for more time at the youth club.
WISHES = {
    "young": (
        "Likes living with {home}; wants to keep seeing their brother on Saturdays.",
        "Wants mum to come to the school play.",
        "Would like a bedroom of their own and to keep the cat.",
        "Happy where they are; asked that the next visit is after school, not during it.",
        "Asked why they cannot live with mum; life-story work agreed.",
        "Wants to keep going to swimming lessons and to bring a friend to tea.",
    ),
    "teen": (
        "Would like more time at the youth club and a say in the summer plans.",
        "Wants to stay with {home} until finishing college.",
        "Wants to know more about why they came into care; life-story work agreed.",
        "Worried about moving to sixth form; wants to stay at the same school.",
        "Wants more say in when family time with dad happens, and to travel there alone.",
        "Would like a later curfew at weekends and a phone contract of their own.",
    ),
}
#: A child's own words about themselves, for any age. (Each list here has six entries, as the
#: lists before them did, so the seeded demo draws the same numbers and keeps its shape.)
ABOUT_ME = (
    "Loves animals and being outdoors.",
    "Enjoys music and making things.",
    "Likes stories, cooking and time with friends.",
    "Into football and drawing.",
    "Enjoys swimming and building things.",
    "Likes dancing and looking after the family's pets.",
)
ACTIONS_AGREED = (
    "Social worker to confirm contact dates with mum by Friday.",
    "Carer to book the dentist; social worker to chase the health assessment.",
    "Arrange a life-story session before the next review.",
    "",
    "",
)
DECISIONS = (
    "Plan endorsed; contact arrangements continue unchanged.",
    "Placement meets the child's needs; education plan to be updated before next review.",
    "Permanence plan confirmed; later-life letter to be drafted.",
    "Contact with father to move to monthly, supervised, reviewed in three months.",
)
NOTES = (
    ("MEETING", "School meeting", "Met the designated teacher; attendance now 94%."),
    ("CONTACT", "Contact arrangements", "Supervised contact with mum moved to Thursdays."),
    (
        "MANAGEMENT_OVERSIGHT",
        "Management oversight",
        "Plan discussed in supervision; no change agreed.",
    ),
    ("CASE_NOTE", "Health", "Initial health assessment completed; dental check booked."),
    ("PHONE_CALL", "Telephone call with carer", "Carer reports a settled week; no concerns."),
)
HOUSEHOLD_NOTES = (
    ("NOTIFIABLE_EVENT", "Police called to the home", "Neighbour dispute; no concern about care."),
    (
        "NOTIFIABLE_EVENT",
        "Child missing overnight",
        "Returned next morning; return interview done.",
    ),
    ("SUPERVISION", "Supervision", "Carers asked for a training place on trauma-informed care."),
)
ACTION_TEXTS = (
    "Complete the later-life letter",
    "Apply for the child's passport",
    "Chase the initial health assessment",
    "Update the chronology",
    "Book a life-story work session",
    "Send the care plan to the IRO",
    "Refer to the virtual school for tutoring",
)
CARER_ACTION_TEXTS = (
    "Complete the TSD portfolio",
    "Book a place on safer caring training",
    "Update the household's safer caring policy",
    "Renew the DBS check for the carers' adult son",
)
