"""Word lists shared by :mod:`.people` and :mod:`.quotes`.

These are general facts about how English-language news is written, not about
any one article: the verbs that report speech, the titles and job nouns put in
front of names, the words that make a capitalised phrase an organisation or a
place rather than a person, and pronouns. Everything is lower-cased so callers
look words up with ``word.lower()``.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Verbs that report what someone said or wrote, in every form a reporter uses.
# "called" is here because `what Putin has called a "security zone"` attributes
# the quoted words; labels without a speaker are dropped later in any case.
SPEECH_VERBS = _words(
    """
    say says said saying tell tells told telling add adds added adding
    ask asks asked asking write writes wrote writing written
    explain explains explained explaining note notes noted noting
    continue continues continued continuing state states stated stating
    declare declares declared declaring argue argues argued arguing
    insist insists insisted insisting claim claims claimed claiming
    warn warns warned warning recall recalls recalled recalling
    reply replies replied replying respond responds responded responding
    answer answers answered answering acknowledge acknowledges acknowledged acknowledging
    dismiss dismisses dismissed dismissing
    dub dubs dubbed dubbing liken likens likened likening brand brands branded branding
    label labels labelled labeled labelling labeling term terms termed
    admit admits admitted admitting announce announces announced announcing
    tweet tweets tweeted tweeting post posts posted posting
    remark remarks remarked remarking observe observes observed observing
    suggest suggests suggested suggesting joke jokes joked joking
    quip quips quipped quipping complain complains complained complaining
    concede concedes conceded conceding conclude concludes concluded concluding
    caution cautions cautioned cautioning predict predicts predicted predicting
    promise promises promised promising vow vows vowed vowing pledge pledges pledged pledging
    urge urges urged urging emphasize emphasizes emphasized emphasizing
    emphasise emphasises emphasised stress stresses stressed stressing
    testify testifies testified testifying shout shouts shouted shouting
    yell yells yelled yelling exclaim exclaims exclaimed exclaiming
    whisper whispers whispered mused muse muses lament laments lamented
    boast boasts boasted boasting call calls called calling describe describes described
    describing assert asserts asserted asserting contend contends contended
    maintain maintains maintained counter counters countered countering
    retort retorts retorted reiterate reiterates reiterated reiterating
    repeat repeats repeated announce confirm confirms confirmed confirming
    deny denies denied denying report reports reported reporting
    chant chants chanted chanting sing sings sang read reads
    proclaim proclaims proclaimed opine opines opined scoff scoffs scoffed
    protest protests protested charge charges charged accuse accuses accused
    demand demands demanded demanding plead pleads pleaded tout touts touted
    praise praises praised criticize criticizes criticized quote quotes quoted
    begin begins began interject interjects interjected interrupt interrupted
    mention mentions mentioned recount recounts recounted speak speaks spoke speaking
    whispering lamenting contending maintaining retorting repeating proclaiming opining
    scoffing protesting pleading pled touting mentioning recounting interrupts interrupting
    interjecting emphasising singing sung comment comments commented commenting
    scold scolds scolded scolding
    """
)

# The verbs whose subject is nearly always a person or a body that speaks: next
# to a capitalised name they are evidence that the name is a person's.
SAY_VERBS = _words(
    """
    say says said tell tells told add adds added ask asks asked write writes wrote
    explain explains explained note notes noted recall recalls recalled
    reply replies replied tweet tweets tweeted joke joked quip quipped insist insisted
    argue argues argued continue continued testify testified
    """
)

# Verbs that only count when the quotation sits right next to them
# (`“…,” he went on`); they are too common as plain verbs otherwise.
ADJACENT_ONLY_VERBS = _words("call calls called calling read reads begin begins began")

# Verbs whose object is the audience: "told CBS", "told reporters".
AUDIENCE_VERBS = _words("tell tells told telling")

# Words allowed between a subject and its speech verb: "Biden also said",
# "Putin has repeatedly said", "the Kremlin on Wednesday dismissed".
AUXILIARIES = _words(
    """
    has have had is was were are be been would will could should may might can
    did does do also later then again once further separately previously recently
    repeatedly reportedly publicly privately often frequently quickly simply still
    never not already just even only subsequently earlier initially first finally
    bluntly flatly angrily openly loudly quietly calmly matter-of-factly
    """
)

DAYS_AND_MONTHS = _words(
    """
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec today yesterday tonight
    """
)

# Capitalised titles written in front of a name ("Sen. Tom Carper").
TITLES = _words(
    """
    president vice-president premier chancellor sen sen. senator rep rep. representative
    gov gov. governor mayor secretary minister speaker judge justice chairman chairwoman
    chair director ambassador envoy king queen prince princess pope cardinal bishop
    archbishop rabbi imam rev rev. reverend father sister brother dr dr. doctor prof prof.
    professor mr mr. mrs mrs. ms ms. miss sir dame lord lady gen gen. general col col.
    colonel lt lt. lieutenant capt capt. captain maj maj. major sgt sgt. sergeant cmdr
    cmdr. commander adm adm. admiral officer detective inspector superintendent sheriff
    attorney prosecutor commissioner councilman councilwoman councillor councilor
    alderman assemblyman assemblywoman congressman congresswoman delegate leader
    chief ceo cfo coo founder president-elect sens. reps. gov.-elect
    spokesman spokeswoman spokesperson counterpart advisor adviser aide official
    head deputy candidate nominee economist analyst strategist pollster lawyer
    coach anchor host correspondent reporter editor columnist author activist
    chairperson treasurer manager marshal mufti sheikh ayatollah emir sultan tsar czar
    organizer organiser comedian actor actress journalist pastor billionaire businessman
    businesswoman entrepreneur filmmaker producer blogger volunteer coordinator researcher
    scientist historian politician lawmaker negotiator photographer novelist playwright
    musician rapper investor banker tycoon oligarch dissident widow widower executive expert
    patriarch metropolitan archpriest priest monk abbot
    """
)

# Words that never start a person's name even when capitalised at the start of
# a sentence or in a headline-like phrase.
FUNCTION_WORDS = _words(
    """
    the a an and but or nor so yet for of in on at to by with from as if when while
    after before since until though although because despite during under over
    this that these those there here then thus still also however meanwhile
    it its he she they we i you his her their our my your him them us me who whom whose
    which what where why how speaking asked according separately earlier later
    in-depth even not no yes many some most more much all both each every other another
    one two three four five six seven eight nine ten last next new former
    former acting ex neither either now only just
    """
)

# Countries, their people and large regions: one such word is a place, never a person
# ("Russia said ...", "the French"). Multi-word places are caught by NON_NAME_WORDS.
PLACES = _words(
    """
    afghanistan albania algeria america argentina armenia australia austria azerbaijan
    belarus belgium bosnia brazil britain bulgaria canada chechnya chile china colombia
    crimea croatia cuba cyprus czechia denmark donbas egypt england estonia ethiopia europe
    finland france georgia germany greece hungary india indonesia iran iraq ireland israel
    italy japan jordan kazakhstan kenya korea kosovo kyiv kiev kuwait latvia lebanon libya
    lithuania london macedonia mexico moldova mongolia montenegro moscow morocco nato
    netherlands nigeria norway pakistan palestine paris poland portugal qatar romania russia
    scotland serbia slovakia slovenia somalia spain sudan sweden switzerland syria taiwan
    tajikistan turkey turkmenistan ukraine uzbekistan venezuela vietnam wales washington
    yemen beijing berlin brussels tokyo tehran gaza africa asia
    alabama alaska arizona arkansas california colorado connecticut delaware florida hawaii
    idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts
    michigan minnesota mississippi missouri montana nebraska nevada ohio oklahoma oregon
    pennsylvania tennessee texas utah vermont virginia wisconsin wyoming
    """
)

PRONOUNS_PERSON = _words("he she him her")
PRONOUNS_OTHER = _words("i we they it you one who this that")

# The last word of a capitalised phrase that names an organisation.
ORG_HEADS = _words(
    """
    house ministry department office agency police committee party council commission
    court senate congress parliament government administration campaign kremlin pentagon
    army navy guard guards forces force corps bank fund inc inc. corp corp. co co. ltd
    ltd. llc plc group university college institute foundation association union network
    news times post journal service services bureau center centre organization
    organisation board authority federation coalition alliance club church team company
    airlines tribune press herald gazette magazine channel television radio
    cabinet assembly duma knesset bundestag regime caucus initiative project trust
    council secretariat directorate command ministry's embassy consulate mission
    fbi cia nsa nato un eu imf
    """
)

# Single capitalised words that are organisations when they speak ("the Kremlin said").
ORG_WORDS = _words(
    """
    kremlin pentagon vatican elysee downing whitehall bundestag duma knesset
    reuters interfax tass ap afp xinhua
    """
)

# Words that make a capitalised phrase a place, an event or a thing, not a person.
NON_NAME_WORDS = _words(
    """
    north south east west northern southern eastern western central northeastern
    northwestern southeastern southwestern united states kingdom republic federation
    street avenue road square palace hall bay river lake mountain mountains valley
    county city region province state island islands beach park airport station
    bridge tower building plaza cathedral mosque temple sea ocean gulf coast hill
    day night week year election elections primary primaries convention debate
    act bill law amendment constitution treaty accord agreement war crisis
    national international american democratic republican democrats republicans
    democrat republican conservative liberal christian muslim jewish catholic
    god internet web twitter facebook youtube instagram google
    games olympics olympiad paralympics championship championships cup festival summit
    forum expo locals russian ukrainian belarusian chinese british french german european
    soviet
    """
)

# Given names that are also ordinary words: capitalised at the start of a sentence
# they are still taken as the start of a name ("Will Hurd said", "Mark Warner").
GIVEN_NAME_WORDS = _words(
    """
    will mark rich grant bill frank pat rob ray guy jack dean earl hope grace faith joy
    rose may june april dawn sandy chip bud carol art gene lance drew chase hunter miles
    wade summer ivy iris pearl ruby amber crystal bob sue don ben al chuck doug rusty herb
    jean ted roy rex max sonny penny bella victor dick harry
    """
)

# Name particles written in lower case inside a name ("Ursula von der Leyen").
NAME_PARTICLES = _words("de da di del della der den van von la le du bin ibn al el ben dos das")

# Abbreviations that end with a full stop but do not end a sentence.
ABBREVIATIONS = _words(
    """
    mr mrs ms dr sen rep gov gen col lt capt maj sgt cmdr adm rev prof st jr sr
    jan feb mar apr jun jul aug sep sept oct nov dec no vs etc inc corp co ltd
    mt ft sens reps atty supt insp det
    """
)

# Lower-case words that may stand inside a role before its title noun
# ("his national security advisor", "Democratic presidential nominee").
ROLE_MODIFIERS = _words(
    """
    former deputy acting senior top chief national security press foreign defense
    defence presidential vice assistant general state federal campaign party
    communications policy economic military political interim longtime then future
    associate executive managing principal regional local district supreme
    intelligence health finance justice interior energy trade labor labour homeland
    public affairs legal legislative research media digital data marketing
    secretary minister spokesman spokeswoman spokesperson of
    """
)

# Common nouns for people or sources that can stand as a speaker ("the official said").
PEOPLE_NOUNS = _words(
    """
    official officials source sources critic critics analyst analysts expert experts
    observer observers resident residents witness witnesses supporter supporters
    opponent opponents voter voters aide aides lawmaker lawmakers people statement
    report reports spokespeople representatives representative organizers organiser
    organisers organizer member members staff staffer staffers person man woman men women
    friend friends father mother son daughter wife husband brother sister
    lawyer lawyers attorney attorneys judge prosecutor prosecutors police officer officers
    doctor doctors economist economists strategist strategists pollster pollsters
    candidate candidates nominee advisers advisors adviser advisor leader leaders
    executive executives director chairman chairwoman president manager worker workers
    student students teacher teachers group groups campaign administration memo letter
    petition petitions appeal appeals complaint complaints ruling verdict indictment
    statements letters post message
    """
)
