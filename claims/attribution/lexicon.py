"""Word lists for attribution: cue verbs and the heads of speaker phrases.

The cue verbs are the reporting, belief and evidence verbs that news writing attributes with; the
list was checked against how often each word marks an annotated attribution cue in the PolNeAR
training articles (a word list is a fact about English news, no text is taken from the data).
"""

from __future__ import annotations


def words(text: str) -> set[str]:
    """Return the set of whitespace-separated words in `text`."""
    return set(text.split())


# lemma -> (third person singular, past, -ing) when irregular or doubled; regular ones are derived.
_IRREGULAR: dict[str, tuple[str, str, str]] = {
    "say": ("says", "said", "saying"),
    "tell": ("tells", "told", "telling"),
    "write": ("writes", "wrote", "writing"),
    "think": ("thinks", "thought", "thinking"),
    "feel": ("feels", "felt", "feeling"),
    "know": ("knows", "knew", "knowing"),
    "find": ("finds", "found", "finding"),
    "show": ("shows", "showed", "showing"),
    "hold": ("holds", "held", "holding"),
    "foresee": ("foresees", "foresaw", "foreseeing"),
    "admit": ("admits", "admitted", "admitting"),
    "quip": ("quips", "quipped", "quipping"),
    "plan": ("plans", "planned", "planning"),
    "retort": ("retorts", "retorted", "retorting"),
    "see": ("sees", "saw", "seeing"),
    "read": ("reads", "read", "reading"),
    "seek": ("seeks", "sought", "seeking"),
    "speak": ("speaks", "spoke", "speaking"),
    "hear": ("hears", "heard", "hearing"),
}

# Verbs of saying: reliable cues with a subject.
SPEECH = sorted(
    words("""
say tell add write ask note report announce tweet argue explain declare acknowledge accuse
claim urge warn promise insist reply respond recall conclude reveal predict admit deny
confirm assert concede estimate stress complain charge contend maintain allege testify
emphasize emphasise observe remark comment joke repeat reiterate pledge vow mention suggest
propose counter caution speculate boast brag lament retort quip recount announce disclose tout
criticize criticise blame demand question describe insist threaten dispute predict acknowledge
affirm declare proclaim concur agree disagree signal hint posit surmise reason answer inform
advise assure remind rebut object protest swear pledge vow explain elaborate clarify mention
interject grumble muse wonder acknowledge admonish applaud praise slam blast attack decry
denounce condemn call issue state release publish unveil post file offer decline refuse express
defend cite learn dismiss order challenge
discuss reject urge voice mock talk speak welcome apologize apologise vow pledge
""")
)

# Verbs of belief, intention and evidence: PolNeAR counts them as attribution cues too.
BELIEF = sorted(
    words("""
believe think want hope fear expect plan feel worry doubt suspect wish intend find show
indicate know understand foresee hold envision envisage imagine recognize recognise estimate
project anticipate favor favour prefer oppose support endorse seek see decide
""")
)


def _forms(lemma: str) -> tuple[str, str, str]:
    if lemma in _IRREGULAR:
        return _IRREGULAR[lemma]
    if lemma.endswith("e"):
        return lemma + "s", lemma + "d", lemma[:-1] + "ing"
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        return lemma + "es", lemma + "ed", lemma + "ing"
    return lemma + "s", lemma + "ed", lemma + "ing"


def _finite(lemmas: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for lemma in lemmas:
        third, past, _ = _forms(lemma)
        for form in (lemma, third, past):
            out.setdefault(form, lemma)
    return out


def _gerunds(lemmas: list[str]) -> dict[str, str]:
    return {_forms(lemma)[2]: lemma for lemma in lemmas}


SPEECH_FINITE = _finite(SPEECH) | {"pointed": "point"}
BELIEF_FINITE = _finite(BELIEF)
SPEECH_GERUND = _gerunds(SPEECH)
# "-ing" forms that report when they open a participle clause (", saying …", "by arguing …").
GERUND_LEMMAS = _gerunds(SPEECH + BELIEF)
GERUNDS = words("""
saying telling calling arguing insisting noting warning adding accusing claiming asking urging
suggesting criticizing criticising declaring explaining describing acknowledging denying
announcing promising pledging vowing citing questioning denouncing blaming praising complaining
hoping predicting recalling stressing referring pointing dismissing defending responding
asserting alleging conceding stating tweeting writing boasting joking lamenting demanding
threatening signaling signalling decrying condemning slamming blasting rejecting admitting
expressing voicing emphasizing emphasising contending maintaining reiterating repeating
""")
# Words after an "-ing" form that show it is not reporting ("adding to", "claiming his victory").
GERUND_STOPS = {
    "to",
    "up",
    "his",
    "her",
    "their",
    "its",
    "a",
    "an",
    "the",
    "in",
    "by",
    "from",
    "with",
    "on",
}
# ...except these, which introduce what was said ("referring to", "responding to").
GERUND_WITH_PREPOSITION = {
    "referring",
    "responding",
    "pointing",
    "writing",
    "tweeting",
    "calling",
    "complaining",
    "speaking",
}

# Lemmas too ambiguous on their own (often not reporting): they need a following "that", a quote
# or a colon, or must end the clause ("…," Kirby added.).
NEEDS_COMPLEMENT = words("""
call read show see hold support oppose know answer question object reason counter attack plan
state report charge find project signal maintain comment hint tell describe praise blame favor
favour prefer seek endorse wonder agree disagree recognize recognise understand imagine estimate
slam blast applaud condemn decry add ask note demand joke claim reply respond wish doubt
accuse criticize criticise threaten dispute insist reveal announce confirm predict promise
issue order tweet post
""")


def lemma_of(word: str) -> str | None:
    """Return the lemma of a cue verb form (finite or "-ing"), or None."""
    return SPEECH_FINITE.get(word) or BELIEF_FINITE.get(word) or GERUND_LEMMAS.get(word)


# Words that may sit between a subject and its cue verb ("Kirby also said").
AUXILIARIES = words("""
has have had also later previously repeatedly then again once further earlier recently would
will did does do is was were are been be had already often frequently has reportedly publicly
privately separately subsequently initially originally first last latter simply flatly quickly
immediately angrily bluntly openly still even just never not n't ultimately finally long has
""")
WEEKDAYS = words("""
Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mon Tue Wed Thu Fri Sat Sun today
yesterday tonight
""")

PRONOUNS = {
    "he": "male",
    "she": "female",
    "it": "thing",
    "they": "plural",
    "i": "self",
    "we": "self",
    "you": "self",
    "him": "male",
    "her": "female",
    "them": "plural",
}
RELATIVES = {"who", "which", "that", "whom"}

# Speaker-phrase heads that decide the speaker's type.
ANON_HEADS = words("""
spokesmen spokeswomen congressmen businessmen percent respondents surveyed polled interviewed
commenter commenters participants
official officials source sources diplomat diplomats aide aides people person observers
observer analyst analysts critics critic expert experts resident residents witness witnesses
insider insiders adviser advisers advisor advisors officer officers staffer staffers spokesman
spokeswoman spokesperson spokespeople member members supporters supporter voters voter leader
leaders lawmaker lawmakers legislator legislators delegates delegate activists activist
commentators pundits strategists strategist operatives operative allies ally americans
citizens democrats republicans conservatives liberals progressives opponents someone others
many some most few several all both none authorities representative representatives
negotiators negotiator envoy envoys investigators investigator scientists researchers
economists historians donors donor fans protesters demonstrators friends colleagues associates
employees workers doctors medics rebels fighters militants students parents women men families
""")
DOC_HEADS = words("""
statement statements report reports poll polls survey surveys study studies data document
documents letter letters memo memos release filing complaint lawsuit tweet tweets post posts
ad ads analysis article articles book record records figures numbers results transcript email
emails resolution bill order ruling decision verdict indictment affidavit testimony video
footage message messages communique note notes website site page platform plan proposal
agreement deal text draft budget estimate estimates projections model forecast census count
investigation review audit assessment findings evidence research paper editorial column story
interview speech remarks comments announcement account accounts transcript
""")
ORG_HEADS = words("""
department ministry campaign government administration agency company committee council party
commission office house senate congress parliament court army military police bureau service
services group groups organization organisation organizations foundation institute university
college network newspaper magazine times post journal news press agencies association union
coalition alliance front forces force command board federation corporation corp inc co firm
bank fund observatory society center centre league movement regime cabinet kremlin pentagon
embassy mission authority council team staff club caucus court state states channel station tv
radio outlet outlets media newsroom
""")
PLACE_ACTORS = words("""
Washington Moscow Beijing Damascus Tehran Kiev Kyiv London Paris Berlin Pyongyang Seoul Tokyo
Ankara Riyadh Jerusalem Brussels Cairo Baghdad Kabul Islamabad Delhi Ottawa Canberra Havana
Caracas Russia China Iran Israel Turkey Syria Ukraine America Britain France Germany Japan
India Pakistan Egypt Iraq Afghanistan Mexico Canada Europe NATO Hamas Hezbollah Kremlin
Pentagon Tass TASS Reuters AFP AP Interfax RIA CNN NBC CBS ABC MSNBC BBC Fox Politico
Breitbart
""")

# Words of a title or role ("State Department spokesman", "Sen.", "Secretary of State").
TITLE_WORDS = words("""
mr mr. mrs mrs. ms ms. dr dr. sen sen. rep rep. gov gov. gen gen. lt lt. col col. sgt sgt.
capt capt. adm adm. prof prof. rev rev. president vice secretary minister senator
representative governor general lieutenant colonel sergeant captain admiral professor reverend
spokesman spokeswoman spokesperson ambassador envoy chairman chairwoman chair director chief
leader speaker mayor judge justice attorney counsel commissioner prime foreign deputy defense
defence state interior finance undersecretary under assistant press adviser advisor aide
former retired acting then candidate nominee congressman congresswoman delegate executive
manager officer official head king queen prince princess pope sheikh emir ayatollah chancellor
premier presidential democratic republican frontrunner front-runner hopeful strategist
pollster consultant founder co-founder ceo cfo coo chairman anchor host correspondent reporter
editor columnist writer author analyst economist scientist researcher sheriff commander
marshal house white senior top campaign communications national security majority minority
whip first lady lord sir dame secretary-general
""")
FEMALE_WORDS = {
    "mrs",
    "mrs.",
    "ms",
    "ms.",
    "spokeswoman",
    "chairwoman",
    "congresswoman",
    "queen",
    "princess",
    "lady",
    "dame",
    "she",
    "her",
    "madam",
}
MALE_WORDS = {
    "mr",
    "mr.",
    "spokesman",
    "chairman",
    "congressman",
    "king",
    "prince",
    "sir",
    "lord",
    "he",
    "him",
    "his",
}

# Nouns that make "X's NOUN that ..." or "the NOUN that ..." an attribution.
NOUN_CUES = words("""
claim claims assertion assertions argument arguments belief beliefs view views statement
statements allegation allegations accusation accusations charge charges contention insistence
promise promises pledge pledges warning warnings suggestion suggestions acknowledgment
admission denial assurance assurances prediction predictions hope hopes fear fears concern
concerns suspicion suspicions worry worries position
""")

# Capitalised at the start of a sentence but never a name or a speaker on their own.
FUNCTION_WORDS = words("""
the a an but and or nor in on at after before when while if as so yet still also with from for
to by of this that these those there here it its his her their our my your we i he she they then
now meanwhile however although though because since during under over according last next every
each some many most all no not what who which where why how until unless whether once even just
only both either neither another other such than into onto upon about against between among
through without within across behind beyond like unlike despite toward towards around near
instead indeed perhaps maybe yes well oh asked said says told
therefore thus moreover furthermore despite nonetheless nevertheless
""")

# Verbs that report with the speaker after them ('"…," said Adham Sahloul of …').
INVERTIBLE = words("""
say add write ask note explain continue insist argue recall declare reply respond warn
comment observe quip joke concede acknowledge agree counter retort predict suggest conclude
""")
# Verbs whose report follows "of" or "for" ("accused Moscow of failing", "blamed Russia for").
OF_COMPLEMENT = words("""
accuse blame criticize criticise praise applaud condemn denounce slam blast attack warn remind
""")
# Past forms that stay ambiguous with a subject ("he held the post", "she saw the house").
ALWAYS_AMBIGUOUS = words("""
held saw read answered objected reasoned countered projected signaled signalled charged
""")
# Cue verbs that report only with a particular next word ("declined to comment", "pointed out").
REQUIRED_NEXT = {
    "decline": {"to"},
    "refuse": {"to"},
    "point": {"out", "to"},
    "talk": {"about"},
    "speak": {"about", "of", "to", "with", "out"},
    "plan": {"to"},
    "seek": {"to"},
    "vow": {"to"},
    "pledge": {"to"},
    "decide": {"to", "that", "against"},
}
# Words after an ambiguous verb that show it reports ("called for", "accused Moscow of").
COMPLEMENT_WORDS = {
    "call": {"for", "on"},
    "ask": {"about", "whether", "if", "for", "why", "how", "what"},
    "question": {"whether", "why", "how"},
    "wonder": {"whether", "if", "why", "how"},
    "warn": {"of", "about", "against"},
    "complain": {"about"},
    "talk": {"about"},
    "accuse": {"of"},
    "blame": {"for"},
    "criticize": {"for"},
    "criticise": {"for"},
    "praise": {"for"},
    "applaud": {"for"},
    "condemn": {"for"},
    "attack": {"for"},
    "slam": {"for"},
    "blast": {"for"},
    "remind": {"of"},
    "see": {"as", "that"},
    "offer": {"to", "support", "praise", "condolences"},
}
# Verbs that report when their object is a document ("released a statement", "posted a video").
DOC_OBJECT_VERBS = words("release publish unveil post file")
# Evidence verbs that report whenever their subject is a document ("the poll shows …").
EVIDENCE_VERBS = words(
    "show find suggest indicate reveal say conclude estimate project report note claim"
)
# Verbs that report after "to" ("voted to endorse Clinton", "has yet to endorse Ryan").
INFINITIVE_CUES = words("""
endorse support oppose criticize criticise attack urge ask tell say announce declare accuse
condemn denounce blame praise warn deny reject demand question challenge""")
# "-ing" forms that report after "is"/"was" ("is talking about", "was seeking to").
PROGRESSIVE = words("""
talking seeking pushing hoping planning calling saying telling arguing urging asking criticizing
suggesting pressing claiming insisting promising considering weighing accusing warning
attacking complaining supporting opposing touting praising blaming questioning demanding
""")
# Nouns that report after a possessive ("Trump's criticism of …", "her endorsement").
STRONG_NOUN_CUES = words("""
criticism endorsement statement statements remarks comments claim claims proposal proposals
accusation accusations allegation allegations warning warnings promise promises pledge demand
denial assertion argument position view views opposition call calls message testimony
""")
# Subjects that take the bare verb form ("they say", "officials say", "some say").
PLURAL_SUBJECTS = {
    "they",
    "we",
    "i",
    "you",
    "many",
    "some",
    "others",
    "most",
    "both",
    "all",
    "few",
    "several",
}
# Verbs that report only when they follow a quotation ('"Out!" the crowd yelled.').
QUOTE_VERBS = words("""
fume yell shout chant scream exclaim whisper mutter sigh snap scoff laugh start begin continue
interrupt offer cry shoot thunder gush marvel rage muse reply bellow roar sneer plead
""")
QUOTE_VERBS_FINITE = {form for form, lemma in _finite(sorted(QUOTE_VERBS)).items() if form != lemma}
