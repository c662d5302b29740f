"""Each named rule decides something: with the rule switched off, its example goes wrong.

The examples are general shapes of news writing, not sentences of any data set.
"""

import pytest

from articles.extraction import rules
from articles.extraction.people import extract_people
from articles.extraction.quotes import extract_quotes


def speakers(*paragraphs):
    body = list(paragraphs)
    return [(q.text, q.speaker) for q in extract_quotes(body, extract_people(body))]


def names(*paragraphs):
    return [p.name for p in extract_people(list(paragraphs))]


def test_every_rule_has_a_unique_full_name_and_a_docstring():
    names_ = rules.all_rule_names()
    assert len(names_) == len(set(names_))
    for registry in rules.registries().values():
        for rule in registry.all():
            assert rule.doc, f"{rule.full_name} has no docstring"


DIGEST = [
    "The minister answered questions from reporters for three hours on Tuesday.",
    "Here is a selection of Minister Anna Kovalenko's comments:",
    "On the harvest",
    "“This year the fields gave more grain than ever before.”",
    "On prices",
    "“Bread will not cost more in the spring.”",
]


def test_digest_intro_gives_the_remarks_under_subheads_to_their_owner():
    assert speakers(*DIGEST) == [
        ("This year the fields gave more grain than ever before.", "Anna Kovalenko"),
        ("Bread will not cost more in the spring.", "Anna Kovalenko"),
    ]
    with rules.disabled("speaker_context.digest_intro"):
        assert not any(s for _, s in speakers(*DIGEST))


def test_digest_intro_needs_a_word_for_remarks():
    intro = "Here is a selection of Minister Anna Kovalenko's photographs:"
    assert not any(s for _, s in speakers(DIGEST[0], intro, *DIGEST[2:]))


GIVEN_NAME = (
    "The prize went to Margaret Okonjo, whose novel sold well, instead of last year's favourite."
)


def test_given_name_first_makes_a_person_with_no_title_or_verb():
    assert "Margaret Okonjo" in names(GIVEN_NAME)
    with rules.disabled("people.given_name_first"):
        assert "Margaret Okonjo" not in names(GIVEN_NAME)


def test_given_name_first_leaves_places_and_lower_case_words_alone():
    text = (
        "Flights from San Marino and Santa Barbara resumed. Will Power stations reopen?"
        " We will see."
    )
    found = names(text)
    assert not any(n.startswith(("San ", "Santa ", "Will ")) for n in found), found


PRONOUN = [
    "Ingrid Brandt met the mayor, Peter Novak, on Monday.",
    "“We will appeal the ruling,” she said after the meeting.",
]


def test_gender_from_given_name_resolves_she_to_the_woman():
    assert speakers(*PRONOUN) == [("We will appeal the ruling", "Ingrid Brandt")]
    with rules.disabled("speaker_context.gender_from_given_name"):
        assert speakers(*PRONOUN) != [("We will appeal the ruling", "Ingrid Brandt")]


# --- furniture and header ---------------------------------------------------------------

from articles.extraction.html import parse_html  # noqa: E402
from articles.extraction.text import (  # noqa: E402
    PAGE_FURNITURE,
    furniture_rule,
    parse_text,
    split_caption_credit,
)
from articles.extraction.types import DroppedLine  # noqa: E402

ARTICLE = """River Floods Three Towns

Water rose two metres overnight in the valley, officials said on Monday, and roads were shut.

"We have never seen the river this high," said Maria Keller, the mayor of one of the towns.

{middle}
"""

TEASERS = """Read more

Dams Fail Across the Region

Engineers warned of the risk for years, a report said.

Farmers Count the Cost of Rain

Harvests were lost in three provinces."""


def test_teaser_list_drops_the_other_articles_after_read_more():
    page = parse_text(ARTICLE.format(middle=TEASERS))
    assert page.body[-1].startswith('"We have never seen')
    assert {d.rule for d in page.dropped} >= {"furniture_block.teaser_list"}
    with rules.disabled("furniture_block.teaser_list"):
        assert (
            "Harvests were lost in three provinces."
            in parse_text(ARTICLE.format(middle=TEASERS)).body
        )


def test_one_teaser_inside_the_article_does_not_end_it():
    middle = (
        "READ MORE\nDams Fail Across the Region\n\nThe mayor said schools would reopen on Friday."
    )
    page = parse_text(ARTICLE.format(middle=middle))
    assert page.body[-1] == "The mayor said schools would reopen on Friday."


def test_photo_caption_between_paragraphs_is_dropped():
    line = "Sugar refinery in the village of Tetkino. t.me/regional_channel"
    assert furniture_rule(line) == "furniture.photo_caption"
    with rules.disabled("furniture.photo_caption"):
        assert furniture_rule(line) is None
    page = parse_text(ARTICLE.format(middle=line + "\n\nThe mayor said schools would reopen."))
    assert line not in page.body


@pytest.mark.parametrize(
    "line",
    ["Follow Jane Roe on Twitter @janeroe.", "Follow Jane Roe on X: @janeroe. Reach her here."],
)
def test_a_line_asking_to_follow_the_reporter_is_a_call_to_action(line):
    assert furniture_rule(line) == "furniture.call_to_action"
    page = parse_text(ARTICLE.format(middle=line + "\n\nThe mayor said schools would reopen."))
    assert line not in page.body
    assert furniture_rule("Follow-up talks on trade are set for May.") is None


def test_page_chrome_drops_a_sign_up_line_in_a_scrape():
    line = "For more, sign up for the What’s Working newsletter."
    assert furniture_rule(line) == "furniture.page_chrome"
    page = parse_text(ARTICLE.format(middle=line + "\n\nThe mayor said schools would reopen."))
    assert line not in page.body
    assert DroppedLine(line, "furniture.page_chrome") in page.dropped
    with rules.disabled("furniture.page_chrome"):
        assert furniture_rule(line) is None
        page = parse_text(ARTICLE.format(middle=line + "\n\nThe mayor said schools would reopen."))
        assert line in page.body


HTML_PARAGRAPH = (
    "The council met on Tuesday to discuss the new budget, which includes money for roads, "
    "schools and the harbour, and agreed to publish the full figures next month."
)
HTML_PAGE = (
    "<html><body><article>"
    + "".join(f"<p>{i}. {HTML_PARAGRAPH}</p>" for i in range(1, 4))
    + "<p>Sign up for our free weekly newsletter</p><h2>Harbour</h2>"
    + f"<p>4. {HTML_PARAGRAPH}</p><p>(Reporting by Jane Roe; Editing by John Doe)</p>"
    + "</article></body></html>"
)


def test_a_page_runs_the_page_subset_of_the_one_furniture_test():
    page = parse_html(HTML_PAGE)
    assert page.dropped == [
        DroppedLine("Sign up for our free weekly newsletter", "furniture.page_chrome"),
        DroppedLine("(Reporting by Jane Roe; Editing by John Doe)", "furniture.agency_credits"),
    ]
    # A one-word heading of the article is furniture in a scrape, not in a page's main text.
    assert furniture_rule("Harbour") == "furniture.one_word"
    assert "one_word" not in PAGE_FURNITURE
    assert "Harbour" in page.body
    with rules.disabled("furniture.page_chrome", "furniture.agency_credits"):
        page = parse_html(HTML_PAGE)
        assert page.dropped == []
        assert "Sign up for our free weekly newsletter" in page.body
        assert "(Reporting by Jane Roe; Editing by John Doe)" in page.body


def test_a_turn_to_the_reader_opens_an_appeal_that_runs_to_the_end():
    middle = (
        "… we have a small favor to ask.\n\n"
        "Independent reporting takes time and money, and we rely on readers like you."
    )
    page = parse_text(ARTICLE.format(middle=middle))
    assert page.body[-1].startswith('"We have never seen')
    assert {d.rule for d in page.dropped if d.text.startswith(("…", "Independent"))} == {
        "furniture_block.appeal_to_end"
    }


def test_credit_forms():
    assert split_caption_credit("Vitaly Mutko (Sergey Fadeichev / TASS)") == (
        "Vitaly Mutko",
        "Sergey Fadeichev / TASS",
    )
    assert split_caption_credit("Federal Space Agency") == (None, "Federal Space Agency")
    assert split_caption_credit("Anna Petrova for the mayor's campaign / TASS") == (
        None,
        "Anna Petrova for the mayor's campaign / TASS",
    )
    assert split_caption_credit("The harbour at dawn. t.me/port_news") == (
        "The harbour at dawn.",
        "t.me/port_news",
    )
    # Reporting is not a credit.
    assert split_caption_credit("The council met (in private) on Monday.") is None


def test_caption_under_the_headline_repeated_in_the_body():
    caption = "Police stood between the two crowds outside the sawmill on Friday evening."
    text = ARTICLE.replace(
        "River Floods Three Towns\n", f"River Floods Three Towns\n\n{caption}\n"
    ).format(middle=caption)
    page = parse_text(text)
    assert page.image_caption == caption
    assert page.image_credit is None


# --- speakers and provenance ------------------------------------------------------------


def quotes(*paragraphs):
    body = list(paragraphs)
    return extract_quotes(body, extract_people(body))


SPEAKER_CASES = [
    ("speaker.verb_after_quote", ['"The bridge will open in May," said Jane Doe, the mayor.']),
    ("speaker_before.speech_verb", ['Jane Doe, the mayor, said: "The bridge will open in May."']),
    ("speaker_before.according_to", ['According to Jane Doe, the bridge is "nearly finished."']),
    ("speaker.dash_signature", ['"The bridge will open in May." — Jane Doe']),
    ("speaker.name_colon", ['Mayor Jane Doe: "The bridge will open in May."']),
]


@pytest.mark.parametrize(("rule", "body"), SPEAKER_CASES, ids=[r for r, _ in SPEAKER_CASES])
def test_each_speaker_rule_finds_the_speaker_and_names_itself(rule, body):
    [quote] = quotes(*body)
    assert (quote.speaker, quote.rule) == ("Jane Doe", rule)
    assert 0 < quote.confidence <= 1
    with rules.disabled(rule):
        assert [(q.speaker, q.rule) for q in quotes(*body)] != [("Jane Doe", rule)]


def test_a_quote_carries_its_cue():
    [quote] = quotes('"The bridge will open in May," Jane Doe told reporters.')
    assert (quote.cue, quote.said_to) == ("told", "reporters")


def test_a_pronoun_speaker_says_where_it_was_resolved_from_and_costs_confidence():
    body = [
        "Jane Doe, the mayor, visited the site on Monday.",
        '"The bridge will open in May," she said.',
    ]
    (named,) = quotes('"The bridge will open in May," Jane Doe said.')
    [quote] = quotes(*body)
    assert quote.speaker == "Jane Doe"
    assert quote.resolved_from == body[0]
    assert quote.confidence < named.confidence


def test_carried_over_speaker_names_the_sentence_it_came_from():
    body = ['"The bridge will open in May," Jane Doe said. "Then the trams will run."']
    first, second = quotes(*body)
    assert second.speaker == "Jane Doe"
    assert second.rule == "speaker_context.same_paragraph_before"
    assert second.resolved_from == '"The bridge will open in May," Jane Doe said.'


def test_an_unnamed_source_keeps_its_description_and_no_person():
    [quote] = quotes('"The bridge will not open in May," one official said.')
    assert quote.speaker is None
    assert quote.source_description == "one official"
    assert quote.confidence is None


def test_byline_bio_closing_an_opinion_piece_is_dropped():
    text = (
        "Prices Rise Again\n\nBy Amara Okafor\n\n"
        "Bread costs more than it did a year ago, the statistics office said on Monday.\n\n"
        "Amara Okafor is an economist and writer based in Lagos who covers trade."
    )
    page = parse_text(text)
    assert page.byline == "Amara Okafor"
    assert page.body == [
        "Bread costs more than it did a year ago, the statistics office said on Monday."
    ]
    with rules.disabled("furniture_block.byline_bio"):
        assert parse_text(text).body[-1].startswith("Amara Okafor is")


# --- words in quotation marks that nobody said -------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        'Ivan Zhdanov was jailed on charges of treason and "fake news," Anna Petrova said.',
        'Anna Petrova said she favors dialog with the so-called "creative class" in the city.',
        "Anna Petrova was charged with “justifying terrorism” over a post, her lawyer said.",
        'Anna Petrova admitted that she is running as a "locomotive" for the party, she said.',
    ],
)
def test_term_label_is_not_a_quote(sentence):
    assert quotes(sentence) == []
    with rules.disabled("not_speech.term_label"):
        assert len(quotes(sentence)) == 1


def test_a_characterisation_with_as_a_stays_a_quote():
    [quote] = quotes('Mayor Anna Petrova described the plan as a "disgrace," officials said.')
    assert (quote.text, quote.speaker) == ("disgrace", "Anna Petrova")


@pytest.mark.parametrize(
    "sentence",
    [
        'Women held up a banner that read "Minister Ivan Zhdanov, talk to us!" Anna Petrova said.',
        'Anna Petrova said the leaflets were signed simply "yours, the mayor."',
    ],
)
def test_written_words_are_not_speech(sentence):
    assert quotes(sentence) == []
    with rules.disabled("not_speech.written_words"):
        assert len(quotes(sentence)) == 1


def test_according_to_an_outlet_reports_the_sentences_own_speaker():
    [quote] = quotes(
        "Anna Petrova said through her lawyer that the protest was a mistake, calling it an"
        ' "ethical error," according to Interfax.'
    )
    assert (quote.text, quote.speaker) == ("ethical error", "Anna Petrova")


def test_a_participle_after_a_comma_speaks_for_the_clause_subject():
    [quote] = quotes(
        'In a letter to the court, Anna Petrova defended the plan, calling it "a fair deal."'
    )
    assert quote.speaker == "Anna Petrova"


def test_a_speech_verb_after_a_determiner_is_a_noun():
    [quote] = quotes('The Kremlin has dismissed as "one more hoax" a report that cited officials.')
    assert quote.speaker == "the Kremlin"


def test_an_unnamed_subject_keeps_its_description():
    [quote] = quotes('One woman pointed to her daughter and said: "They took my husband."')
    assert (quote.speaker, quote.source_description) == (None, "One woman")


def test_a_document_after_the_quote_is_its_source():
    first, second = quotes('"We live in fear," the petition reads. "Why was the village shelled?"')
    assert first.source_description == "the petition"
    assert second.text == "Why was the village shelled?"


def test_dubbed_is_a_cue():
    body = ["President Jane Doe spoke in Warsaw.", 'Doe dubbed her rival "a butcher" on Saturday.']
    [quote] = quotes(*body)
    assert (quote.text, quote.speaker, quote.cue) == ("a butcher", "Jane Doe", "dubbed")


def test_own_pronoun_gender_beats_the_given_names_usual_gender():
    # "Nino" is a man's name in Italy and a woman's in Georgia: the text says which.
    body = [
        "Pavel Novak, the mayor, spoke first.",
        "Nino Beridze was detained outside her party's headquarters.",
        '"They cannot arrest the will of the people," she said.',
    ]
    assert [(q.text, q.speaker) for q in quotes(*body)][-1][1] == "Nino Beridze"
    with rules.disabled("speaker_context.own_pronoun_gender"):
        assert [q.speaker for q in quotes(*body)][-1] != "Nino Beridze"


LOST_OPENER = "We finished the bridge two months early, and it cost less,” Mayor Jane Doe said."


def test_lost_opening_mark_makes_a_quote_from_the_paragraphs_start():
    quote = "We finished the bridge two months early, and it cost less"
    assert speakers("The bridge opened on Monday.", LOST_OPENER) == [(quote, "Jane Doe")]
    with rules.disabled("quote_spans.lost_opening_mark"):
        assert speakers("The bridge opened on Monday.", LOST_OPENER) == []


def test_lost_opening_mark_needs_more_than_a_few_words_and_an_attribution():
    # A misplaced opener after a cue, and a closer that ends a quote opened a line before.
    assert speakers("He says,” there is no money left for the bridge.”") == []
    assert speakers("Jane Doe, the mayor of the city, on the bridge.”") == []


SLOGAN = "“We did our best,” Jane Doe said, adding in Spanish: “Long Live The Bridge!”"


def test_said_after_colon_keeps_title_cased_words_that_end_the_sentence():
    assert speakers(SLOGAN)[1] == ("Long Live The Bridge!", "Jane Doe")
    with rules.disabled("quote_spans.said_after_colon"):
        assert [text for text, _ in speakers(SLOGAN)] == ["We did our best"]


def test_a_title_after_a_colon_inside_a_sentence_stays_a_name():
    sentence = "Jane Doe said the network has a new problem: “Friday Night Lights” ratings fell."
    assert speakers(sentence) == []


APPOSITION = (
    "“The checks were skipped for years,” the broadcaster cited John Smith, the head of the "
    "inspectors' union, as saying."
)


def test_quoted_before_apposition_finds_the_name_the_apposition_describes():
    assert speakers(APPOSITION) == [("The checks were skipped for years", "John Smith")]
    with rules.disabled("speaker_phrase.quoted_before_apposition"):
        assert speakers(APPOSITION) == [("The checks were skipped for years", None)]


FIRST_NAME_ONLY = "“They came back at night,” said a resident who gave only her first name, Marta."


def test_given_name_introduced_makes_a_person_of_a_first_name_given_as_a_name():
    assert names("The square was quiet on Sunday.", FIRST_NAME_ONLY) == ["Marta"]
    assert speakers(FIRST_NAME_ONLY) == [("They came back at night", "Marta")]
    with rules.disabled("people.given_name_introduced"):
        assert names("The square was quiet on Sunday.", FIRST_NAME_ONLY) == []


def test_introduced_later_names_the_described_speaker():
    with rules.disabled("speaker_phrase.introduced_later"):
        assert speakers(FIRST_NAME_ONLY) == [("They came back at night", None)]


def test_given_name_introduced_as_kin_joins_the_full_name_elsewhere():
    text = [
        "Senator Paul Novak spoke first, beside his wife, Irena, and their two sons.",
        "Irena Novak, a teacher, said nothing.",
    ]
    assert names(*text) == ["Paul Novak", "Irena Novak"]
    lone = ["Novak arrived with his daughter, Irena, on Monday."]
    assert "Irena" in names(*lone)


def test_a_place_or_a_word_after_a_non_kin_noun_is_no_one():
    assert names("She flew with her sister, Georgia, to the games.") == []
    assert names("He returned to his home town, Sofia, last year.") == []


DESIGNATION = (
    "Jane Doe runs the Harbour Fund, which Belarus has labeled both a “foreign agent” and "
    "an “undesirable organization,” officials said."
)


def test_official_designation_is_a_label_not_a_quote():
    assert speakers(DESIGNATION) == []
    with rules.disabled("not_speech.official_designation"):
        assert [text for text, _ in speakers(DESIGNATION)] == [
            "foreign agent",
            "undesirable organization",
        ]


def test_a_person_labelling_something_is_quoted():
    said = "Jane Doe, the mayor, labeled the plan “a disgrace” on Monday."
    assert speakers(said) == [("a disgrace", "Jane Doe")]


STATEMENT = [
    "Police detained two men overnight, the Harbour Authority said in a statement.",
    "The men were released on Tuesday.",
    "“The port is open again,” the statement read.",
]


def test_statement_issuer_gives_the_statement_to_who_issued_it():
    assert speakers(*STATEMENT) == [("The port is open again", "the Harbour Authority")]
    with rules.disabled("speaker_phrase.statement_issuer"):
        assert speakers(*STATEMENT) == [("The port is open again", None)]


HEAD_OF = [
    "Prices will rise “within weeks,” senior lawmaker Anna Berg was quoted as saying.",
    "“Imports will not fill the gap,” the head of the parliament’s Budget Committee said.",
]


def test_head_of_organisation_is_a_person_not_the_organisation():
    assert speakers(*HEAD_OF)[1] == ("Imports will not fill the gap", "Anna Berg")
    with rules.disabled("speaker_phrase.head_of_organisation"):
        assert speakers(*HEAD_OF)[1] == ("Imports will not fill the gap", "Budget Committee")


ANTECEDENT = [
    "The court heard from the harbour master on Monday.",
    "Jane Doe, 58, was fined over a post in which she praised two men as “heroes.”",
]


def test_antecedent_in_sentence_gives_a_pronoun_its_sentences_subject():
    assert speakers(*ANTECEDENT) == [("heroes.", "Jane Doe")]
    with rules.disabled("speaker_phrase.antecedent_in_sentence"):
        assert speakers(*ANTECEDENT) == [("heroes.", None)]


def test_antecedent_in_sentence_needs_an_agreeing_gender():
    text = "Olga Petrova was fined over a post in which he praised two men as “heroes.”"
    assert speakers(text) == [("heroes.", None)]


MADE_CLEAR = "Jane Doe has made clear that the city “will not pay for the bridge.”"


def test_made_clear_gives_the_quote_to_who_made_it_clear():
    assert speakers(MADE_CLEAR) == [("will not pay for the bridge.", "Jane Doe")]
    with rules.disabled("speaker_before.made_clear"):
        assert speakers(MADE_CLEAR) == []


def test_a_pronoun_never_means_capitalised_words_that_are_no_one():
    text = [
        "Jane Doe opposed the plan on Monday.",
        "Costa Verde voted against it on Tuesday.",
        "“It is a mistake,” she said.",
    ]
    assert speakers(*text) == [("It is a mistake", "Jane Doe")]


def test_subject_before_slash_credit_splits_a_long_photo_line():
    from articles.extraction.text import split_caption_credit

    line = "Jane Doe / Ruritanian Foreign Ministry / Flickr (CC BY-NC-SA 2.0)"
    assert split_caption_credit(line) == (
        "Jane Doe",
        "Ruritanian Foreign Ministry / Flickr (CC BY-NC-SA 2.0)",
    )
    with rules.disabled("caption_credit.subject_before_slash_credit"):
        assert split_caption_credit(line) is None
    assert split_caption_credit("Alexander Reka / TASS") == (None, "Alexander Reka / TASS")


def test_speaks_counts_a_name_set_off_after_kin_or_a_people_noun():
    said = "His wife, Zhyldyz Abenova, told reporters that the family would appeal."
    assert names(said) == ["Zhyldyz Abenova"]
    with rules.disabled("people.speaks"):
        assert names(said) == []
    assert names("Rep. Jane Doe, R-Utah, said the hearing would go on.") == ["Jane Doe"]


# Organisations and affiliations: capitalised words that are not a second person.

INSTITUTE = (
    '"The reactor could be running by spring," Helen Marsh of the Carver Center for Energy '
    "Studies and Policy Research wrote in a report."
)


def test_name_continued_keeps_an_institutes_name_whole():
    assert speakers(INSTITUTE) == [("The reactor could be running by spring", "Helen Marsh")]
    assert names(INSTITUTE) == ["Helen Marsh"]
    with rules.disabled("organisation.name_continued"):
        assert "Policy Research" in names(INSTITUTE)


def test_name_continued_stops_at_a_person_joined_by_and():
    body = "The Ministry of Transport and Olga Demina announced the plan. Demina said it was final."
    assert "Olga Demina" in names(body)


def test_a_roles_of_does_not_continue_an_organisation():
    body = '"Prices will rise," Tom Reyes, president and CEO of Harbor Freight Union stated.'
    assert [p.name for p in extract_people([body])] == ["Tom Reyes"]


AFFILIATION = 'Paul Kemper of the Ledger wrote, "The vote was never close."'


def test_affiliation_is_where_a_person_works_not_a_person():
    assert speakers(AFFILIATION) == [("The vote was never close.", "Paul Kemper")]
    assert names(AFFILIATION) == ["Paul Kemper"]
    with rules.disabled("organisation.affiliation"):
        assert "Ledger" in names(AFFILIATION)


def test_affiliation_needs_a_name_before_it():
    body = "Fans of Marta Lindqvist were upset on Monday. “She was right,” said Jon Hale."
    assert "Marta Lindqvist" in names(body)


def test_a_place_after_a_persons_name_never_speaks():
    body = (
        "The pastor, quoting an old hymn (“lead us home”), endorsed Senator Ray Holt of "
        "Nevada, urging his listeners to vote."
    )
    assert ("lead us home", "Nevada") not in speakers(body)


def test_person_before_affiliation_gives_the_first_of_two_experts():
    body = (
        '"The test failed," analysts Ruth Adler and Sam Okafor of Boston\'s Institute for '
        "Arms Control wrote."
    )
    assert speakers(body) == [("The test failed", "Ruth Adler")]
    with rules.disabled("speaker_phrase.person_before_affiliation"):
        assert speakers(body) != [("The test failed", "Ruth Adler")]


def test_person_after_organisation_is_the_officer_not_the_service():
    body = '"We held the line," said Navy 2nd Lt. Dana Whitfield.'
    assert speakers(body) == [("We held the line", "Dana Whitfield")]
    with rules.disabled("speaker_phrase.person_after_organisation"):
        assert speakers(body) == [("We held the line", "Navy")]


def test_a_given_name_that_is_also_a_word_starts_a_name_before_a_surname():
    body = '"We will win," said former Governor Bill Hartley.'
    assert speakers(body) == [("We will win", "Bill Hartley")]
    assert names("The Senate passed the Farm Bill on Monday, and Hartley said it was late.") == [
        "Hartley"
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        '"Turnout will decide it," said conservative activist Nora Blyth.',
        '"Turnout will decide it," said retired Navy Capt. Nora Blyth, who ran the base.',
        '"Turnout will decide it," said the mayor\'s deputy chief of staff, Nora Blyth, who '
        "spoke after the vote.",
        '"Turnout will decide it," said another voter, Nora Blyth.',
        '"Turnout will decide it," said one voter, Nora Blyth, 45.',
        '"Turnout will decide it," said a spokeswoman for the water company, Nora Blyth.',
        '"Turnout will decide it," said a professor of law at Kent College, Nora Blyth.',
        # a description with no listed word for a person, set off by a comma before the name
        '"Turnout will decide it," said another Facebook user, Nora Blyth.',
        '"Turnout will decide it," said a local baker, Nora Blyth, who votes every year.',
        '"Turnout will decide it," said another leading Supreme Court advocate, Nora Blyth.',
        # a few words with no article qualify the name, an organisation's among them
        '"Turnout will decide it," said ranking Democrat Nora Blyth.',
        '"Turnout will decide it," said Budget Committee ranking Democrat Nora Blyth.',
    ],
)
def test_described_then_named_gives_the_person_after_the_description(sentence):
    assert speakers(sentence) == [("Turnout will decide it", "Nora Blyth")]
    with rules.disabled("speaker_phrase.described_then_named"):
        assert speakers(sentence) != [("Turnout will decide it", "Nora Blyth")]


def test_a_name_in_the_descriptions_tail_is_whom_the_speaker_works_for():
    for sentence in (
        '"Turnout will decide it," said a spokeswoman for Senator Nora Blyth.',
        '"Turnout will decide it," said a spokeswoman for Nora Blyth, the senator.',
    ):
        assert speakers(sentence) == [("Turnout will decide it", None)]


@pytest.mark.parametrize(
    "sentence",
    [
        '"Turnout will decide it," said one Blyth adviser.',
        '"Turnout will decide it," said the printed Blyth leaflet.',
    ],
)
def test_a_name_that_qualifies_a_noun_after_it_is_not_the_speaker(sentence):
    body = ["Senator Nora Blyth spoke on Monday.", sentence]
    assert ("Turnout will decide it", "Nora Blyth") not in speakers(*body)


def test_a_short_description_before_a_name_is_a_noun_phrase_not_a_document():
    assert speakers('"Turnout will decide it," said the report, Nora Blyth.') != [
        ("Turnout will decide it", "Nora Blyth")
    ]


@pytest.mark.parametrize(
    "sentence, speaker",
    [
        ('"Turnout will decide it," Theresa Harlow May said.', "Theresa Harlow May"),
        ('"Turnout will decide it," Senator Edith June said on Monday.', "Edith June"),
        ('"Turnout will decide it," columnist Harold Will wrote.', "Harold Will"),
    ],
)
def test_a_month_or_auxiliary_that_ends_a_name_is_not_skipped_before_the_verb(sentence, speaker):
    assert speakers(sentence) == [("Turnout will decide it", speaker)]


@pytest.mark.parametrize("name", ["Jan Pelikan", "August Brenner"])
def test_a_month_that_is_a_given_name_starts_a_name(name):
    assert speakers(f'"Turnout will decide it," said {name}.') == [("Turnout will decide it", name)]
    assert names(f"The plan was announced in {name.split()[0]} by the board.") == []


def test_described_then_named_needs_a_word_for_a_person():
    assert speakers('"Turnout will decide it," said the company on Monday, citing Nora Blyth.') != [
        ("Turnout will decide it", "Nora Blyth")
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        # (one word: "not_speech.title_cased" takes titles of two capitalised words or more)
        "On Channel Nine's \u201cNewsdesk,\u201d Senator Ada Pryce said the bill was dead.",
        "The figures come from his book \u201cThe Long Road Home.\u201d Mr. Pryce said so again.",
    ],
)
def test_work_title_is_not_a_quote_whatever_the_verb(sentence):
    assert not [text for text, _ in speakers(sentence) if text[:1].isupper()]
    with rules.disabled("not_speech.work_title"):
        assert [text for text, _ in speakers(sentence) if text[:1].isupper()]


def test_work_title_keeps_words_in_sentence_case_after_a_possessive():
    body = "Senator Ada Pryce said the party\u2019s \u201cPlan will fail in the spring.\u201d"
    assert speakers(body) == [("Plan will fail in the spring.", "Ada Pryce")]


@pytest.mark.parametrize(
    "sentence",
    [
        "\u201cThe rule oversteps,\u201d Ida Marlow, the attorney general of Ohio, one of the "
        "states that sued, said on Monday.",
        "\u201cThe rule oversteps,\u201d Rep. Ida Marlow (R-Ohio), a member of the panel, said "
        "on Monday.",
        "\u201cThe rule oversteps,\u201d Ms. Marlow, now 61 and retired in Salem, Ore., said "
        "by telephone.",
    ],
)
def test_name_before_appositions_is_the_person_the_clause_opens_with(sentence):
    marlow = [("The rule oversteps", "Ida Marlow")]
    body = ["Ida Marlow, a lawyer, sued the state in May.", sentence]
    assert speakers(*body) == marlow
    with rules.disabled("speaker_phrase.name_before_appositions"):
        assert speakers(*body) != marlow


def test_a_delegates_title_is_not_part_of_her_name():
    assert speakers('"It is a waste of time," said Del. Ida Marlow.') == [
        ("It is a waste of time", "Ida Marlow")
    ]


PORTRAIT = (
    "Minister Warns of a Hard Winter\n\n"
    "Ruritania's Energy Minister Jana Petrova.\n\n"
    "Gas reserves will not last until spring, Energy Minister Jana Petrova told lawmakers on "
    "Tuesday, calling for cuts in public buildings.\n\n"
    "The ministry has asked regions to lower heating in offices by two degrees."
)


def test_portrait_without_credit_is_the_caption_not_the_first_paragraph():
    from articles.extraction.text import parse_text

    page = parse_text(PORTRAIT)
    assert page.image_caption == "Ruritania's Energy Minister Jana Petrova."
    assert page.body[0].startswith("Gas reserves")
    with rules.disabled("caption_credit.portrait_without_credit"):
        page = parse_text(PORTRAIT)
        assert page.image_caption is None
        assert page.body[0] == "Ruritania's Energy Minister Jana Petrova."


def test_a_standfirst_that_says_something_stays_in_the_body():
    from articles.extraction.text import parse_text

    page = parse_text(
        PORTRAIT.replace(
            "Ruritania's Energy Minister Jana Petrova.", "Heating in Ruritania Will Be Cut."
        )
    )
    assert page.image_caption is None


CUT_CAPTION = (
    "Ruritania Opens Its First Wind Farm\n\n"
    "Energy Minister Jana Petrova opening the wind farm outside Port Aldous on Monday. The "
    "farm is the first of a series to be built along the coast by the end of the Tomas Berg\n\n"
    "Ruritania opened its first wind farm on Monday, a step the government says will halve "
    "the country's gas imports by the end of the decade.\n"
)


def test_cut_caption_before_name_credit_splits_the_photographer_off():
    from articles.extraction.text import parse_text

    page = parse_text(CUT_CAPTION)
    assert page.image_credit == "Tomas Berg"
    assert page.image_caption.endswith("by the end of the")
    assert page.body[0].startswith("Ruritania opened")
    with rules.disabled("caption_credit.cut_caption_before_name_credit"):
        page = parse_text(CUT_CAPTION)
        assert page.image_credit is None
        assert page.body[0].startswith("Energy Minister Jana Petrova opening")


STANDFIRST_OVER_CREDIT = (
    "Why the Vote in Ruritania Matters (Op-ed)\n\n"
    "Jana Petrova doesn't have to win to change the country\n\n"
    "Tomas Berg / AP\n\n"
    "In early May, the election commission registered Jana Petrova as a candidate for "
    "president, the first woman to run since the country's independence.\n"
)


def test_standfirst_above_credit_is_body_not_caption():
    from articles.extraction.text import parse_text

    page = parse_text(STANDFIRST_OVER_CREDIT)
    assert (page.image_caption, page.image_credit) == (None, "Tomas Berg / AP")
    assert page.body[0] == "Jana Petrova doesn't have to win to change the country"
    with rules.disabled("caption_credit.standfirst_above_credit"):
        page = parse_text(STANDFIRST_OVER_CREDIT)
        assert page.image_caption == "Jana Petrova doesn't have to win to change the country"
    # A caption that names who is shown keeps its credit below it.
    page = parse_text(
        STANDFIRST_OVER_CREDIT.replace(
            "Jana Petrova doesn't have to win to change the country",
            "Jana Petrova at a rally in Port Aldous",
        )
    )
    assert page.image_caption == "Jana Petrova at a rally in Port Aldous"


def test_said_before_participle_goes_on_with_the_one_who_said():
    body = (
        "Lena Hart left before the vote ended, Omar Reyes said, adding, "
        "\u201cShe was not worried.\u201d"
    )
    assert speakers(body) == [("She was not worried.", "Omar Reyes")]
    with rules.disabled("speaker_before.said_before_participle"):
        assert speakers(body) == [("She was not worried.", "Lena Hart")]


def test_name_as_modifier_gives_the_person_named_after_the_word_for_them():
    body = (
        "Senator Ada Pryce spoke in Dayton on Monday. \u201cShe has our vote,\u201d said Pryce "
        "constituent Tom Vail, who drove two hours."
    )
    assert ("She has our vote", "Tom Vail") in speakers(body)
    with rules.disabled("speaker_phrase.name_as_modifier"):
        assert ("She has our vote", "Tom Vail") not in speakers(body)


# Who a sentence's words name: common nouns, elided surnames, bracketed tags.


def test_a_capitalised_common_noun_for_people_is_no_speaker_for_a_pronoun():
    said = speakers(
        "Witnesses said the road was blocked for hours.",
        "Mayor Jana Petrova spoke at noon. \u201cThe city will recover,\u201d she said.",
        "\u201cWe are not afraid,\u201d he said.",
    )
    assert said[0] == ("The city will recover", "Jana Petrova")
    assert said[1][1] != "Witnesses"


def test_a_surname_with_an_elided_prefix_is_a_name_not_a_contraction():
    assert names("O'Malley said the plan would fail.") == ["O'Malley"]
    assert names("It'll fail, Jones said.") == ["Jones"]


def test_a_quotation_ending_its_sentence_takes_no_speaker_from_a_new_statement():
    said = speakers(
        "Jana Petrova spoke first, to which Tomas Berg interjected: \u201cIt is just not "
        "true.\u201d He said Petrova would not go far enough."
    )
    assert said == [("It is just not true.", "Tomas Berg")]
    # A sentence that only says who spoke still names the speaker.
    assert speakers("The vote ended. \u201cWe won.\u201d Jana Petrova said.") == [
        ("We won.", "Jana Petrova")
    ]


def test_a_bracketed_party_tag_and_comma_after_the_name_are_skipped():
    said = speakers(
        "In Berea, Ohio, Gov. Tomas Berg (R-OH), said, \u201cI am ready to rent a wagon.\u201d"
    )
    assert said == [("I am ready to rent a wagon.", "Tomas Berg")]


def test_staff_heads_an_organisations_name():
    said = speakers(
        "Ruritania's General Staff confirmed the strike, describing the depot as a "
        "\u201clegitimate military target\u201d that supplies fuel."
    )
    assert said == [("legitimate military target", "General Staff")]


def test_a_surname_that_is_also_a_word_ends_a_name_after_a_given_name():
    assert names("Prime Minister Theresa May said the talks had failed.") == ["Theresa May"]
    assert names("Rep. Allen West said the talks had failed.") == ["Allen West"]
    assert names("Army Capt. Christian Pardo said the talks had failed.") == ["Christian Pardo"]
    # Not without a given name before it, nor a place before a party.
    assert names("In May, officials said the talks had failed.") == []
    assert names("A Georgia Republican said the talks had failed.") == []
    # Nor a word that heads an institution's name after a given name.
    assert names("Mourners met at the Solomon Missionary Baptist Church, the pastor said.") == []


@pytest.mark.parametrize("verb", ["agrees", "fumed", "snapped", "sighed", "wondered"])
def test_reporting_verbs_of_manner_name_the_speaker_after_the_quote(verb):
    said = speakers(f"\u201cOur ideas of success are different,\u201d {verb} Jana Petrova.")
    assert said == [("Our ideas of success are different", "Jana Petrova")]


def test_agree_names_a_speaker_only_beside_the_quotation():
    # "agreed" far from the quotation is the plain verb: the quote is the mayor's.
    said = speakers(
        "Mayor Jana Petrova said the council agreed to a new budget on Monday, calling it "
        "\u201ca fair deal.\u201d"
    )
    assert said == [("a fair deal.", "Jana Petrova")]


def test_title_cased_words_name_a_work_not_speech_wherever_the_cue_is():
    body = (
        "\u201cA Time for Truth,\u201d the memoir Jana Petrova wrote last year, sold well, "
        "her publisher said."
    )
    assert speakers(body) == []
    with rules.disabled("not_speech.title_cased"):
        assert [t for t, _ in speakers(body)] == ["A Time for Truth"]
    # A sentence in title case stays a quote.
    assert speakers("\u201cWe Will Win!\u201d Jana Petrova said.") == [
        ("We Will Win!", "Jana Petrova")
    ]


@pytest.mark.parametrize(
    "after", ["added his campaign manager Jana Petrova", "said her mother Jana Petrova"]
)
def test_a_speaker_described_with_a_possessive_after_an_inverted_verb(after):
    assert speakers(f"\u201cWe will win,\u201d {after}, speaking to reporters.") == [
        ("We will win", "Jana Petrova")
    ]


def test_a_joint_source_before_a_colon_is_given_to_the_first_named():
    said = speakers(
        "More from Jana Petrova and Tomas Berg: \u201cWe found the polls were off.\u201d"
    )
    assert said == [("We found the polls were off.", "Jana Petrova")]
    said = speakers("Jana Petrova and Tomas Berg said the polls were \u201coff by a mile.\u201d")
    assert said == [("off by a mile.", "Jana Petrova")]


def test_where_a_speaker_is_from_is_passed_over_to_the_name_before_it():
    body = (
        "\u201cBoth candidates scare me,\u201d Jana Petrova, 30, of Raleigh, N.C., who was "
        "among those polled, said in an interview."
    )
    assert speakers(body) == [("Both candidates scare me", "Jana Petrova")]
    assert "N.C." not in names(body)
    with rules.disabled("speaker_phrase.name_before_appositions"):
        assert speakers(body) != [("Both candidates scare me", "Jana Petrova")]


def test_named_after_its_kind_makes_an_agency_no_person():
    body = "Ruritania's state space agency Astrana said the station would close in 2030."
    assert names(body) == []
    with rules.disabled("organisation.named_after_its_kind"):
        assert names(body) == ["Astrana"]
    # A title or a given name after the word still starts a person's name.
    assert names("Agency chief Jana Petrova said the station would close.") == ["Jana Petrova"]


def test_a_sentence_opened_by_a_people_noun_keeps_its_quote_with_no_person():
    body = (
        "Prosecutors argued that Tomas Berg had sent money to \u201cstructures affiliated "
        "with foreign groups.\u201d"
    )
    assert speakers(body) == [("structures affiliated with foreign groups.", None)]
    quote = extract_quotes([body], extract_people([body]))[0]
    assert quote.source_description == "Prosecutors"


def test_a_subject_after_an_honorific_is_whom_the_next_pronoun_means():
    body = [
        '"Swaps are tricky," said Nick Dalton, a former hostage.',
        'Mr. Obrien made clear on Sunday that meeting the families had moved him. "I have seen '
        'their anguish," he said.',
    ]
    assert speakers(*body)[-1] == ("I have seen their anguish", "Obrien")


def test_who_said_with_a_colon_introduces_the_next_quotation_not_the_last():
    body = (
        '"We are refugees," Ms. Adler said. "We are not criminals." Mr. Brandt said: '
        '"The attack was the work of a few."'
    )
    assert speakers(body) == [
        ("We are refugees", "Adler"),
        ("We are not criminals.", "Adler"),
        ("The attack was the work of a few.", "Brandt"),
    ]


def test_a_subject_after_a_dated_opening_is_whom_the_next_pronoun_means():
    body = [
        '"Prices will fall," said Peter Blyth, a trader.',
        'On May 5, Paul Wren posted a photograph of his lunch. "Happy holiday!" he wrote.',
    ]
    assert speakers(*body)[-1] == ("Happy holiday!", "Paul Wren")


def test_a_name_inside_a_clause_after_a_pronoun_is_not_the_subject():
    body = [
        "Nora Blyth, a nurse, spoke to reporters on Monday.",
        "On Sunday, she said that after the vote, Alex Wren called her.",
        '"It caught me off guard," she said.',
    ]
    assert speakers(*body) == [("It caught me off guard", "Nora Blyth")]


def test_who_is_said_to_have_said_something_is_whom_the_next_pronoun_means():
    body = [
        '"Prices will fall," said Nora Blyth, a trader.',
        "Turnout rose in the spring, driven by young voters, Mindy Roe said.",
        '"They will decide it," she said.',
    ]
    assert speakers(*body)[-1] == ("They will decide it", "Mindy Roe")


@pytest.mark.parametrize(
    "sentence",
    [
        'Ida Marlow, president and CEO of Harbour Freight Association stated, "Costs rose."',
        'Ida Marlow, chairman of Harbour Freight (a lobby group), wrote: "Costs rose."',
    ],
)
def test_the_person_a_title_of_an_organisation_describes_is_the_speaker(sentence):
    assert speakers(sentence) == [("Costs rose.", "Ida Marlow")]
    with rules.disabled("speaker_phrase.person_before_affiliation"):
        assert speakers(sentence) != [("Costs rose.", "Ida Marlow")]


def test_subject_before_colon_is_the_clause_the_colon_closes():
    body = (
        "When Paul Wren suggested that the port would close, Ida Marlow was blunt: "
        '"If they close it, they will lose."'
    )
    assert speakers(body) == [("If they close it, they will lose.", "Ida Marlow")]
    with rules.disabled("speaker.subject_before_colon"):
        assert speakers(body) != [("If they close it, they will lose.", "Ida Marlow")]


@pytest.mark.parametrize(
    "paragraphs",
    [
        ['"The plan is a giveaway," Senator Nora Blyth shot back.'],
        ['Senator Nora Blyth fired back: "The plan is a giveaway."'],
        ['"The plan is a giveaway," Senator Nora Blyth echoed.'],
        ["Senator Nora Blyth echoed:", '"The plan is a giveaway."'],
        ['"The plan is a giveaway," Senator Nora Blyth barked.'],
        ['Senator Nora Blyth gloated: "The plan is a giveaway."'],
        ['"The plan is a giveaway," reacted Senator Nora Blyth.'],
        ['"The plan is a giveaway," Senator Nora Blyth assured voters.'],
        ['"The plan is a giveaway," Senator Nora Blyth went on.'],
        ['"The plan is a giveaway," Senator Nora Blyth pressed.'],
        ['"The plan is a giveaway," remembered Senator Nora Blyth.'],
    ],
)
def test_a_reply_with_back_and_an_echo_next_to_the_quote_are_speech(paragraphs):
    found = [(text.rstrip("."), speaker) for text, speaker in speakers(*paragraphs)]
    assert found == [("The plan is a giveaway", "Nora Blyth")]


def test_fired_without_back_and_echoed_away_from_a_quote_are_not_speech():
    assert speakers('Senator Nora Blyth fired the "giveaway" adviser on Monday.') == []
    assert speakers('Senator Nora Blyth echoed her rival on the "giveaway" plan.') == []


@pytest.mark.parametrize(
    "sentence",
    [
        'Another commenter wrote, "Nobody asked the town."',
        '"Nobody asked the town," said one blogger.',
        'A protester shouted, "Nobody asked the town."',
    ],
)
def test_an_unnamed_speaker_described_by_an_agent_noun_keeps_the_quote(sentence):
    body = ["Senator Nora Blyth opened the new bridge on Monday.", sentence]
    assert [(t.rstrip("."), s) for t, s in speakers(*body)] == [("Nobody asked the town", None)]


def test_a_thing_is_not_described_as_a_speaker():
    body = ["Senator Nora Blyth opened the new bridge on Monday.", 'The order said, "Close it."']
    assert speakers(*body) == []


def test_went_on_with_a_word_after_it_is_not_speech():
    body = 'Senator Nora Blyth said that once the Senate goes on recess, "I will travel."'
    assert speakers(body) == [("I will travel.", "Nora Blyth")]


@pytest.mark.parametrize("name", ["Peter T. King", "Paul French", "Edith May"])
def test_a_surname_that_is_a_word_ends_a_name_after_a_given_name_and_initials(name):
    assert names(f"The bill is late, {name} said on Monday.") == [name]


def test_the_listeners_after_told_are_not_the_speaker():
    body = 'Senator Nora Blyth did not name her rivals, but told her voters, "We will win."'
    assert speakers(body) == [("We will win.", "Nora Blyth")]


def test_one_word_titled_with_a_capital_the_inside_a_sentence_is_not_a_person():
    body = (
        "Ida Marlow, an editor at The Courier, an old weekly paper, wrote, "
        '"Nobody reads the minutes."'
    )
    assert names(body) == ["Ida Marlow"]
    assert speakers(body) == [("Nobody reads the minutes.", "Ida Marlow")]


def test_subject_before_aside_gives_a_quotation_in_an_aside_to_the_person_before_it():
    body = 'Mayor Ida Marlow, calling on the council to reject "a disgrace," said it would vote no.'
    assert speakers(body) == [("a disgrace", "Ida Marlow")]
    with rules.disabled("speaker.subject_before_aside"):
        assert speakers(body) != [("a disgrace", "Ida Marlow")]


def test_a_deputy_does_not_share_the_title_of_the_office_above():
    body = [
        "Mayor Ida Marlow said on Tuesday that the metro line would wait.",
        '"The budget cannot carry it," the mayor told the council.',
        "Deputy Mayor Paul Wren said the city had spent enough.",
    ]
    assert speakers(*body) == [("The budget cannot carry it", "Ida Marlow")]


def test_to_after_an_organisations_head_word_continues_its_name():
    body = '"The island is sinking," Ida Marlow of the Committee to Protect Forests said.'
    assert names(body) == ["Ida Marlow"]
    assert speakers(body) == [("The island is sinking", "Ida Marlow")]


def test_an_ombudswoman_is_a_title_the_text_can_refer_back_to():
    body = [
        "Human rights ombudswoman Ida Marlow on Thursday asked the president for a pardon.",
        '"She will not survive five years," the ombudswoman said.',
    ]
    assert speakers(*body) == [("She will not survive five years", "Ida Marlow")]


def test_a_full_stop_in_a_short_bracket_ends_no_sentence():
    body = 'Rep. Ida Marlow (D-N.Y.) reacted, saying: "The killer should be in prison."'
    assert speakers(body) == [("The killer should be in prison.", "Ida Marlow")]


def test_a_word_opening_a_sentence_before_a_full_name_is_not_part_of_it():
    assert names("Celebrities Nora Blyth and Ida Marlow said the plan was overdue.") == [
        "Nora Blyth",
        "Ida Marlow",
    ]
    assert names("Democrat Nora Blyth said the plan was overdue.") == ["Nora Blyth"]
    assert "Dear Nora Blyth" not in names('"Dear Nora Blyth, we wait for you," the mayor wrote.')


def test_a_participle_after_a_quotation_and_its_speaker_is_the_speakers():
    body = [
        "Senator Nora Blyth and Mayor Ida Marlow campaigned on Monday.",
        '"We will win," Blyth told a rally, saying Marlow would "close the port."',
    ]
    assert speakers(*body) == [
        ("We will win", "Nora Blyth"),
        ("close the port.", "Nora Blyth"),
    ]


@pytest.mark.parametrize("verb", ["stated", "remarked", "conceded"])
def test_a_single_name_that_states_or_concedes_speaks(verb):
    body = f'"We inform the local authorities," Pelham {verb}.'
    assert names(body) == ["Pelham"]
    assert speakers(body) == [("We inform the local authorities", "Pelham")]


@pytest.mark.parametrize(
    "sentence",
    [
        'From Blyth\'s Facebook post: "We must move on."',
        'In Blyth\'s statement: "We must move on."',
    ],
)
def test_the_owner_of_a_post_or_statement_is_its_speaker(sentence):
    body = ["Senator Nora Blyth left the race on Monday.", sentence]
    assert speakers(*body) == [("We must move on.", "Nora Blyth")]
    assert speakers(body[0], sentence.replace("post", "photo").replace("statement", "garden")) != [
        ("We must move on.", "Nora Blyth")
    ]


def test_who_after_a_name_and_a_comma_is_that_person_speaking():
    body = (
        "Then there was the radio host Nora Blyth, who lamented in an interview, "
        '"We have spent years on this."'
    )
    assert speakers(body) == [("We have spent years on this.", "Nora Blyth")]


def test_a_question_is_not_given_to_the_next_sentence_that_quotes_its_own_words():
    body = [
        "Senator Nora Blyth and her aide Ida Marlow exchanged emails.",
        'Blyth answers Marlow with, "Why now?" Marlow then writes back, "You look fine."',
    ]
    assert speakers(*body) == [("Why now?", "Nora Blyth"), ("You look fine.", "Ida Marlow")]


def test_a_name_inside_a_phrase_opened_by_a_preposition_is_not_the_clauses_subject():
    body = [
        "Ida Marlow was sent to prison on Monday.",
        "In an interview with journalist Nora Blyth last year, Marlow said she was sorry and "
        'added, "I will plead guilty."',
    ]
    assert speakers(*body) == [("I will plead guilty.", "Ida Marlow")]


def test_the_name_a_preposition_points_to_before_a_colon_is_not_the_speaker():
    body = [
        "Senator Nora Blyth and Mayor Ida Marlow met on Monday.",
        'Senator Nora Blyth delivered a blunt message to Marlow: "Stop attacking people."',
        'More from Marlow: "We will not stop."',
    ]
    assert speakers(*body) == [
        ("Stop attacking people.", "Nora Blyth"),
        ("We will not stop.", "Ida Marlow"),
    ]


def test_a_few_quoted_words_inside_an_aside_do_not_hide_its_speaker():
    body = [
        "Delegates gathered in the hall on Thursday.",
        '"We have had better days than this one," delegate Nora Blyth, wearing a hat and '
        '"Vote Marlow" pins, said as the balloons fell.',
    ]
    assert speakers(*body)[0] == ("We have had better days than this one", "Nora Blyth")


def test_a_lone_speech_verb_before_another_is_a_surname():
    body = [
        "The drug maker's chief executive, Ian Read, spoke to analysts on Monday.",
        '"We believe this deal is a great deal for shareholders," Read said.',
    ]
    assert speakers(*body) == [
        ("We believe this deal is a great deal for shareholders", "Ian Read")
    ]


def test_a_participle_after_a_quotation_keeps_the_cue_before_it():
    body = [
        "The club's director, Ida Marlow, wrote to its members on Monday.",
        'Marlow said the members will still meet, but said, "It is time we change how we do '
        'it," promising the Friends of the Club a new start.',
    ]
    assert speakers(*body) == [("It is time we change how we do it", "Ida Marlow")]


def test_a_speaker_known_only_by_a_given_name_is_that_person():
    body = '"There never was an order to wait," said the station chief known as Bob.'
    assert speakers(body) == [("There never was an order to wait", "Bob")]


def test_a_social_network_before_a_say_verb_is_the_company_speaking():
    body = (
        '"Our work in this area has changed," Twitter said in a statement, adding that the '
        "accounts had been removed."
    )
    quote = extract_quotes([body], extract_people([body]))[0]
    assert (quote.speaker, quote.speaker_type) == ("Twitter", "organization")
    other = '"Our work in this area has changed," a post on Twitter said.'
    assert extract_quotes([other], extract_people([other]))[0].speaker != "Twitter"


def test_a_lone_surname_that_is_also_a_word_before_said_is_the_person():
    body = [
        "Allen West, a professor who once worked in the Senate, praised the bill.",
        '"This is the first rollback in decades," West said.',
    ]
    assert speakers(*body) == [("This is the first rollback in decades", "Allen West")]
    assert speakers('"It is cold in the north," the West said.') != [
        ("It is cold in the north", "Allen West")
    ]


def test_a_capital_the_after_quoted_words_ending_in_a_comma_names_an_outlet():
    body = '"The final count was 699 to 695," The Beacon reported.'
    assert speakers(body) == [("The final count was 699 to 695", "the Beacon")]


def test_the_writers_i_quote_is_no_cue():
    body = [
        "Nora Blyth spoke at a rally in Ohio on Monday.",
        'No wonder Blyth said, and I quote, "We love the voters." It was a long night.',
    ]
    assert speakers(*body) == [("We love the voters.", "Nora Blyth")]


def test_a_full_stop_inside_a_word_ends_no_sentence():
    body = (
        '"I understand why people back him," said Sen. Nora Blyth, R-S.C. "I get that. '
        'But he is wrong."'
    )
    assert speakers(body) == [
        ("I understand why people back him", "Nora Blyth"),
        ("I get that. But he is wrong.", "Nora Blyth"),
    ]


def test_issuing_a_statement_introduces_its_quotation():
    opening = "Senator Nora Blyth lost the vote on Monday."
    sentence = 'After the vote, Blyth issued a statement, "We will appeal this ruling."'
    assert speakers(opening, sentence) == [("We will appeal this ruling.", "Nora Blyth")]
    assert speakers(opening, sentence.replace("statement", "ruling")) == []
    # The statement in the next paragraph, after a colon:
    body = [opening, "Blyth released the following statement:", '"We will appeal this ruling."']
    assert speakers(*body) == [("We will appeal this ruling.", "Nora Blyth")]


def test_a_plural_speech_noun_about_someone_is_no_cue():
    body = [
        "Ida Marlow and Nora Blyth spoke on Monday.",
        "On television, the campaign chairman, Ida Marlow, dismissed criticism of the "
        "senator's comments about Ms. Blyth as \"the other side's talking points.\"",
    ]
    assert speakers(*body) == [("the other side's talking points.", "Ida Marlow")]


@pytest.mark.parametrize("group", ["Americans", "Russians", "Europeans", "Latinos", "Hispanics"])
def test_a_people_in_the_plural_is_no_person(group):
    sentence = f"Many more {group} said that they were tired of the campaign."
    assert names("The poll was published on Monday.", sentence) == []
    assert names("The poll was published on Monday.", "Dana Evans said she was tired.") == [
        "Dana Evans"
    ]


def test_as_someone_puts_it_after_an_owner_is_theirs():
    body = [
        "Nora Blyth writes a column for the Post.",
        'As The Post\'s Nora Blyth puts it, "The senators are unmoved."',
    ]
    assert speakers(*body) == [("The senators are unmoved.", "Nora Blyth")]


def test_a_described_speaker_after_a_question_is_found_past_the_apposition():
    body = [
        "Ida Marlow and Nora Blyth volunteer for the campaign.",
        '"I am calling from the campaign. How are you today?" Marlow, a retired worker '
        'from a nuclear plant, said into the phone. "We are talking with supporters."',
    ]
    assert speakers(*body) == [
        ("I am calling from the campaign. How are you today?", "Ida Marlow"),
        ("We are talking with supporters.", "Ida Marlow"),
    ]


def test_an_owners_description_then_a_role_and_the_name_after_an_inverted_verb():
    body = [
        "Senator Ida Marlow held a rally in Ohio on Friday.",
        '"It is about time," exhorted Marlow\'s introducer, actress Nora Blyth.',
    ]
    assert speakers(*body) == [("It is about time", "Nora Blyth")]


def test_calling_someone_something_is_a_quotation_of_the_caller():
    body = [
        "Ida Marlow, the former governor, has struggled in the polls.",
        'Marlow called his rival "totally scripted and kind of robotic."',
    ]
    assert speakers(*body) == [("totally scripted and kind of robotic.", "Ida Marlow")]


def test_a_quotation_after_a_sentence_ending_with_a_speech_verb_is_its_speakers():
    body = [
        '"Time is running out," said Ida Marlow, an editor.',
        'The university\'s Nora Blyth agreed. "Voters want an alternative to both men."',
    ]
    assert speakers(*body)[-1] == ("Voters want an alternative to both men.", "Nora Blyth")
    with rules.disabled("speaker_context.said_just_before"):
        assert speakers(*body)[-1:] != [("Voters want an alternative to both men.", "Nora Blyth")]


def test_booming_a_quotation_is_speech():
    body = [
        "Nora Blyth closed the convention on Thursday.",
        'Blyth gestured to the crowd, then leaned in and boomed, "We will win in November."',
    ]
    assert speakers(*body) == [("We will win in November.", "Nora Blyth")]
