"""Names and places for the demo council. Common English names, fictional streets and towns, and
postcodes in the made-up "DM" area (the postcode format is real, the area is not), so no demo
address can be somebody's home."""

FEMALE_ADULT_NAMES = [
    "Sarah", "Emma", "Laura", "Rebecca", "Gemma", "Kelly", "Claire", "Nicola", "Stacey", "Hayley",
    "Jade", "Danielle", "Leanne", "Natalie", "Amy", "Charlotte", "Kirsty", "Lisa", "Michelle", "Joanne",
    "Rachel", "Samantha", "Victoria", "Zoe", "Aisha", "Fatima", "Priya", "Agnieszka", "Chantelle", "Donna",
]
MALE_ADULT_NAMES = [
    "James", "Daniel", "Lee", "Craig", "Mark", "Paul", "Ryan", "Jamie", "Darren", "Wayne",
    "Liam", "Kieran", "Dean", "Stephen", "Carl", "Adam", "Matthew", "Michael", "Scott", "Gareth",
    "Mohammed", "Imran", "Tomasz", "Nathan", "Ashley", "Jason", "Shaun", "Richard", "Gary", "Stuart",
]
GIRL_NAMES = [
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Rosie", "Sophia",
    "Grace", "Freya", "Poppy", "Evie", "Ella", "Millie", "Ruby", "Maisie", "Willow", "Daisy",
    "Phoebe", "Layla", "Maya", "Zara", "Hannah", "Chloe", "Leah", "Holly", "Megan", "Eliza",
]
BOY_NAMES = [
    "Noah", "Oliver", "George", "Leo", "Arthur", "Oscar", "Harry", "Jack", "Charlie", "Freddie",
    "Alfie", "Theo", "Archie", "Thomas", "Jacob", "Henry", "Joshua", "Riley", "Mason", "Logan",
    "Tyler", "Kai", "Finley", "Reggie", "Tommy", "Ethan", "Lewis", "Callum", "Jayden", "Zain",
]
FAMILY_NAMES = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
    "Patel", "Khan", "Lewis", "Harris", "Martin", "Cooper", "King", "Lee", "Baker", "Harrison",
    "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett",
    "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell",
    "Shaw", "Murphy", "Miller", "Cox", "Richards", "Hussain", "Marshall", "Simpson", "Ellis", "Kowalski",
]
MIDDLE_NAMES = ["Jane", "Louise", "Marie", "Rose", "Anne", "John", "James", "Paul", "Lee", "Michael"]

STREETS = [
    "Mill Lane", "Church Street", "Victoria Road", "Station Road", "Park Avenue", "Kingsway", "Elm Grove",
    "Meadow Close", "Orchard Way", "Hawthorn Drive", "Brook Street", "Queens Road", "Chapel Row",
    "Ash Crescent", "Willow Court", "Foundry Walk", "Canal Side", "Beech Road", "Castle View", "Nelson Street",
    "Marlborough Road", "Primrose Hill", "Cedar Close", "Forge Lane", "Tannery Yard",
]
FLAT_PREFIXES = ["Flat 1", "Flat 2", "Flat 3", "Flat 4", "Flat 6", "Flat 9", "Flat 12"]
# Town and the district numbers of its (fictional) DM postcodes.
TOWNS = [
    ("Northfield", (1, 2, 3)),
    ("Eastbrook", (4, 5)),
    ("Millbrook", (6, 7)),
    ("Westhaven", (8, 9)),
    ("Oakley Vale", (10, 11)),
]
# Letters a postcode's last two characters may use.
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
