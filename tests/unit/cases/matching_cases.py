"""A realistic population and near-duplicate probes, shared by the unit test (pure ranking) and the
integration test (SQL blocking and ranking together)."""
from datetime import date

from app.cases.matching import Candidate, PersonProbe

# (key, given, family, dob, postcode, nhs, gender, other names). Households share surnames and postcodes;
# twins share a date of birth; strangers share names or dates of birth with the people probed for.
PEOPLE = [
    ("sarah_smith", "Sarah", "Smith", date(1988, 4, 12), "DM1 2AB", "9990000018", "female", None),
    ("olivia_smith", "Olivia", "Smith", date(2014, 6, 3), "DM1 2AB", None, "female", None),
    ("amelia_smith", "Amelia", "Smith", date(2014, 6, 3), "DM1 2AB", None, "female", None),  # Olivia's twin
    ("jack_smith", "Jack", "Smith", date(2016, 9, 21), "DM1 2AB", None, "male", None),
    ("sarah_smith_2", "Sarah", "Smith", date(1991, 1, 30), "DM8 4QT", None, "female", None),  # a namesake
    ("william_jones", "William", "Jones", date(1979, 11, 5), "DM4 7XY", None, "male", None),
    ("wendy_jones", "Wendy", "Jones", date(1981, 2, 14), "DM4 7XY", None, "female", None),
    ("william_jones_2", "William", "Jones", date(2005, 8, 19), "DM9 1AA", None, "male", None),  # stranger
    ("elizabeth_taylor", "Elizabeth", "Taylor", date(1990, 7, 8), "DM2 3DD", None, "female", "Anne"),
    ("liam_taylor", "Liam", "Taylor", date(2012, 3, 4), "DM2 3DD", None, "male", None),
    ("catherine_brown", "Catherine", "Brown", date(1985, 12, 1), "DM5 5EF", None, "female", None),
    ("katie_brown", "Katie", "Brown", date(2010, 5, 17), "DM5 5EF", None, "female", None),  # her daughter
    ("james_wilson", "James", "Wilson", date(1983, 3, 9), "DM6 8GH", "9990000026", "male", None),
    ("jamie_wilson", "Jamie", "Wilson", date(2009, 10, 10), "DM6 8GH", None, "male", None),
    ("mohammed_khan", "Mohammed", "Khan", date(1987, 5, 23), "DM3 1JL", None, "male", None),
    ("muhammad_khan", "Muhammad", "Khan", date(2011, 5, 23), "DM3 6LN", None, "male", None),  # stranger
    ("agnieszka_kowalski", "Agnieszka", "Kowalski", date(1992, 9, 2), "DM7 2NP", None, "female", None),
    ("zofia_kowalski", "Zofia", "Kowalski", date(2015, 2, 9), "DM7 2NP", None, "female", None),
    ("chantelle_obrien", "Chantelle", "O'Brien", date(1995, 8, 14), "DM10 4RS", None, "female", None),
    ("tyler_obrien", "Tyler", "O'Brien", date(2013, 12, 25), "DM10 4RS", None, "male", None),
    ("rebecca_harris", "Rebecca", "Harris", date(1986, 6, 6), "DM11 3TU", None, "female", "Louise"),
    ("robert_harris", "Robert", "Harris", date(1984, 1, 19), "DM11 3TU", None, "male", None),
    ("daniel_patel", "Daniel", "Patel", date(1990, 10, 2), "DM1 9WX", None, "male", None),
    ("danielle_patel", "Danielle", "Patel", date(1990, 2, 10), "DM1 9WX", None, "female", None),  # swapped-date trap
    ("thomas_wright", "Thomas", "Wright", date(2008, 4, 1), "DM2 7YZ", None, "male", None),
    ("tom_right", "Tom", "Right", date(1970, 4, 1), "DM5 1AB", None, "male", None),  # sounds alike, wrong age
    ("leanne_cooper", "Leanne", "Cooper", date(1993, 11, 11), "DM4 2BD", None, "female", None),
    ("stacey_cooper", "Stacey", "Cooper", date(1996, 3, 22), "DM4 2BD", None, "female", None),
    ("gareth_evans", "Gareth", "Evans", date(1980, 9, 15), "DM6 3EH", None, "male", None),
    ("gemma_evans", "Gemma", "Evans", date(1982, 9, 15), "DM6 3EH", None, "female", None),
    ("noah_walker", "Noah", "Walker", date(2017, 7, 7), "DM8 1FG", None, "male", None),
    ("nathan_walker", "Nathan", "Walker", date(1989, 7, 7), "DM8 1FG", None, "male", None),
    ("hannah_clarke", "Hannah", "Clarke", date(2006, 1, 2), "DM9 5HJ", None, "female", None),
    ("anna_clark", "Anna", "Clark", date(2006, 2, 1), "DM3 4HL", None, "female", None),  # near stranger
    ("kelly_morgan", "Kelly", "Morgan", date(1987, 8, 30), "DM10 8LN", None, "female", None),
    ("richard_price", "Richard", "Price", date(1975, 12, 12), "DM11 6PQ", None, "male", None),
    ("alexander_bell", "Alexander", "Bell", date(2003, 10, 29), "DM7 9RT", None, "male", None),
    ("alexandra_bell", "Alexandra", "Bell", date(2001, 6, 16), "DM7 9RT", None, "female", None),
]

# (expected key, probe). Each is a realistic way a partner agency writes the same person differently.
PROBES = [
    ("olivia_smith", PersonProbe("Olivya", "Smith", date(2014, 6, 3), "DM1 2AB")),  # typo; her twin is a trap
    ("amelia_smith", PersonProbe("Amelia", "Smyth", date(2014, 6, 3), "DM1 2AB")),  # surname spelling
    ("jack_smith", PersonProbe("Jack", "Smith", date(2016, 9, 21), "DM3 7ZZ")),  # moved address
    ("sarah_smith", PersonProbe("Sara", "Smith", date(1988, 12, 4), "DM1 2AB")),  # nickname + swapped day/month
    ("sarah_smith_2", PersonProbe("Sarah", "Smith", date(1991, 1, 30), None)),  # no address: the namesake's dob
    ("william_jones", PersonProbe("Bill", "Jones", date(1979, 11, 5), "DM4 7XY")),  # nickname
    ("william_jones", PersonProbe("Will", "Jones", date(1979, 5, 11), None)),  # nickname + swapped date
    ("william_jones_2", PersonProbe("Billy", "Jones", date(2005, 8, 19), "DM9 1AA")),
    ("elizabeth_taylor", PersonProbe("Liz", "Taylor", date(1990, 7, 8), "DM2 3DD")),
    ("elizabeth_taylor", PersonProbe("Elizabeth", "Taylor-Reid", date(1990, 7, 8), "DM2 4AA")),  # double-barrelled
    ("elizabeth_taylor", PersonProbe("Beth", "Reid", date(1990, 7, 8), "DM2 3DD")),  # changed surname (marriage)
    ("liam_taylor", PersonProbe("Liam", "Tayler", date(2012, 3, 4), "DM2 3DD")),
    ("catherine_brown", PersonProbe("Kate", "Brown", date(1985, 12, 1), "DM5 5EF")),  # daughter Katie is a trap
    ("katie_brown", PersonProbe("Katie", "Brown", date(2010, 5, 17), None)),
    ("catherine_brown", PersonProbe("Katherine", "Browne", date(1985, 1, 12), "DM5 5EF")),  # swapped + spelling
    ("james_wilson", PersonProbe("Jim", "Wilson", date(1983, 3, 9), "DM6 8GH")),  # son Jamie is a trap
    ("james_wilson", PersonProbe("J", "Willson", None, None, nhs_number="9990000026")),  # NHS number
    ("jamie_wilson", PersonProbe("Jamie", "Wilson", date(2009, 10, 10), "DM6 8GH")),
    ("mohammed_khan", PersonProbe("Muhammad", "Khan", date(1987, 5, 23), "DM3 1JL")),  # transliteration
    ("muhammad_khan", PersonProbe("Mohammed", "Khan", date(2011, 5, 23), "DM3 6LN")),
    ("agnieszka_kowalski", PersonProbe("Agnieska", "Kowalska", date(1992, 9, 2), "DM7 2NP")),
    ("zofia_kowalski", PersonProbe("Zofia", "Kowalski", date(2015, 9, 2), "DM7 2NP")),  # swapped day/month
    ("chantelle_obrien", PersonProbe("Chantel", "OBrien", date(1995, 8, 14), "DM10 4RS")),
    ("tyler_obrien", PersonProbe("Tyler", "O Brien", date(2013, 12, 25), None)),
    ("rebecca_harris", PersonProbe("Becky", "Harris", date(1986, 6, 6), "DM11 3TU")),
    ("rebecca_harris", PersonProbe("Louise", "Harris", date(1986, 6, 6), "DM12 1AA")),  # goes by middle name, moved
    ("robert_harris", PersonProbe("Bob", "Harris", date(1984, 1, 19), "DM11 3TU")),
    ("daniel_patel", PersonProbe("Dan", "Patel", date(1990, 10, 2), "DM1 9WX")),  # Danielle is a trap
    ("danielle_patel", PersonProbe("Danielle", "Patel", date(1990, 2, 10), "DM1 9WX", gender="female")),
    ("thomas_wright", PersonProbe("Tom", "Wright", date(2008, 4, 1), "DM2 7YZ")),
    ("thomas_wright", PersonProbe("Thomas", "Wright", date(2008, 4, 11), "DM2 7YZ")),  # one digit wrong in dob
    ("leanne_cooper", PersonProbe("Leann", "Cooper", date(1993, 11, 11), "DM4 2BD")),
    ("gareth_evans", PersonProbe("Gareth", "Evens", date(1980, 9, 15), "DM6 3EH")),  # Gemma shares dob
    ("noah_walker", PersonProbe("Noah", "Walker", date(2017, 7, 7), "DM8 1FG")),  # Nathan shares 7/7
    ("hannah_clarke", PersonProbe("Hanna", "Clark", date(2006, 1, 2), "DM9 5HJ")),
    ("kelly_morgan", PersonProbe("Kelly", "Morgan", date(1987, 8, 3), "DM10 8LN")),  # digit dropped in the day
    ("richard_price", PersonProbe("Price", "Richard", date(1975, 12, 12), "DM11 6PQ")),  # names swapped
    ("alexander_bell", PersonProbe("Alex", "Bell", date(2003, 10, 29), "DM7 9RT", gender="male")),
    ("alexandra_bell", PersonProbe("Alex", "Bell", date(2001, 6, 16), "DM7 9RT")),
    ("stacey_cooper", PersonProbe("Stacy", "Cooper", date(1996, 3, 22), "DM4 8ZZ")),  # typo + moved
]


def candidates(ids: dict[str, int] | None = None) -> dict[str, Candidate]:
    """The population as candidates (ids by position unless given)."""
    out = {}
    for number, (key, given, family, dob, postcode, nhs, gender, other) in enumerate(PEOPLE, start=1):
        person_id = ids[key] if ids else number
        out[key] = Candidate(person_id=person_id, family_id=person_id, family_reference=None, given_name=given,
                             family_name=family, date_of_birth=dob, postcode=postcode, nhs_number=nhs, gender=gender,
                             other_names=other)
    return out
