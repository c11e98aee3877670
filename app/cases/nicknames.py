"""English given names and the short forms people go by, as data for people matching.

Each line is one group of names that may stand for the same person ("Bill" on a police record,
"William" on the GP's). A name may sit in several groups ("Alex" is Alexander or Alexandra); two names
are taken as the same when they share a group. Keys are `app.cases.names.normalise_name` forms.
"""
from functools import cache

from app.cases.names import normalise_name

_GROUPS = """
abigail abi abby abbie gail
alexander alex alec alexa sandy xander lex
alexandra alex alexa sandra sandy lexi
alfred alf alfie fred freddie
andrew andy drew
anthony tony ant
barbara barb babs
benjamin ben benny benji
bradley brad
callum cal
catherine katherine kathryn cathy kathy kate katie katy kat cath kit
charles charlie chas chuck chaz
charlotte charlie lottie lotte
christine chris chrissie tina
christopher chris kit topher
daniel dan danny
danielle dani
david dave davey davie
deborah debra debbie deb
dominic dom
donald don donnie
edward ed eddie ted teddy ned
eleanor ellie nell nora
elizabeth liz lizzie beth betty bet eliza lisa libby liza elsie bess
emily em emmy millie
frances fran fanny frankie
francis frank frankie
frederick fred freddie freddy
gabriel gabe
gareth gaz
gemma gem
harold harry hal
henry harry hal hank
isabella isabel isabelle bella izzy issy
jacob jake jack
jacqueline jackie jacqui
james jim jimmy jamie jay
jennifer jen jenny jenna
jessica jess jessie
john jack johnny jon
jonathan jon jonny
joseph joe joey
joshua josh
katherine kate katie kathy
kenneth ken kenny
lawrence laurence larry laurie
leonard leo len lenny
lewis lou louie
louis lou louie
louise lou louisa
margaret maggie meg peggy marge madge maisie
matthew matt matty
michael mike mick mickey micky
mohammed muhammad mohammad mohamed mo
nathan nat nate
nathaniel nat nate nathan
nicholas nick nicky
nicola nicky nikki
oliver ollie olly
patricia pat patsy trish tricia
patrick pat paddy
peter pete
rebecca becky becca bex
richard rich richie rick ricky dick
robert rob robbie bob bobby bert
ronald ron ronnie
samantha sam sammy
samuel sam sammy
sarah sara sally
stephen steven steve stevie
susan sue susie suzanne
theodore theo ted teddy
thomas tom tommy
timothy tim timmy
victoria vicky vicki tori
william will bill billy willy liam
zachary zach zak
"""


@cache
def _groups_by_name() -> dict[str, frozenset[int]]:
    index: dict[str, set[int]] = {}
    for number, line in enumerate(line for line in _GROUPS.strip().splitlines() if line.strip()):
        for name in line.split():
            index.setdefault(normalise_name(name), set()).add(number)
    return {name: frozenset(groups) for name, groups in index.items()}


@cache
def _names_by_group() -> dict[int, frozenset[str]]:
    groups: dict[int, set[str]] = {}
    for name, numbers in _groups_by_name().items():
        for number in numbers:
            groups.setdefault(number, set()).add(name)
    return {number: frozenset(names) for number, names in groups.items()}


def variants(name: str) -> frozenset[str]:
    """The name (normalised) and every name it may be short or long for."""
    key = normalise_name(name)
    found = {key} if key else set()
    for number in _groups_by_name().get(key, ()):
        found |= _names_by_group()[number]
    return frozenset(found)


def same_name(a: str, b: str) -> bool:
    """True when the two given names are the same or one may stand for the other."""
    key_a, key_b = normalise_name(a), normalise_name(b)
    if not key_a or not key_b:
        return False
    return key_a == key_b or bool(_groups_by_name().get(key_a, frozenset()) & _groups_by_name().get(key_b, frozenset()))
