"""Quote extraction: quotation marks, speakers, kinds, and what is not a quote."""

import json
from pathlib import Path

import pytest

from articles.extraction.people import extract_people
from articles.extraction.quotes import extract_quotes, find_quoted_spans

SEEDS_GOLD = sorted((Path(__file__).parent / "data" / "seeds_gold").glob("*.json"))


def quotes_of(*paragraphs):
    body = list(paragraphs)
    return extract_quotes(body, extract_people(body))


def summary(quotes):
    return [(q.text, q.speaker, q.kind) for q in quotes]


@pytest.mark.parametrize("path", SEEDS_GOLD, ids=lambda p: p.stem)
def test_seed_quotes_match_gold_field_by_field(path):
    gold = json.loads(path.read_text())
    quotes = quotes_of(*gold["body"])
    assert [(q.text, q.speaker, q.speaker_type, q.kind) for q in quotes] == [
        (g["text"], g["speaker"], g["speaker_type"], g["kind"]) for g in gold["quotes"]
    ]
    for q in quotes:
        assert gold["body"][q.paragraph][q.start : q.end] == q.text
        assert q.text in q.sentence


@pytest.mark.parametrize(
    "paragraph",
    [
        '"We will win," Jane Doe said.',
        "“We will win,” Jane Doe said.",
        "«We will win», Jane Doe said.",
        "''We will win,'' Jane Doe said.",
        "``We will win,'' Jane Doe said.",
    ],
    ids=["straight", "curly", "guillemets", "doubled-apostrophes", "backticks"],
)
def test_every_kind_of_quotation_mark_is_read(paragraph):
    assert summary(quotes_of(paragraph)) == [("We will win", "Jane Doe", "full")]


def test_reversed_curly_marks_still_pair():
    spans = find_quoted_spans("“It's unusual,“ said Tom Ford. “Very.”")
    text = "“It's unusual,“ said Tom Ford. “Very.”"
    assert [text[s.start : s.end] for s in spans] == ["It's unusual", "Very."]


def test_single_curly_marks_are_not_quotations():
    assert quotes_of("Critics called it a ‘disaster,’ Senator Ann Lee said.") == []


def test_said_before_the_quote_with_a_colon():
    quotes = quotes_of('Kremlin spokesman Dmitry Peskov said: "No, it doesn\'t."')
    assert summary(quotes) == [("No, it doesn't.", "Dmitry Peskov", "full")]


def test_inverted_said_name():
    quotes = quotes_of('"The deal is dead," said Sen. Tom Carper of Delaware.')
    assert summary(quotes) == [("The deal is dead", "Tom Carper", "full")]


def test_pronoun_resolves_to_the_person_named_before():
    quotes = quotes_of(
        "Finance Minister Ana Ruiz met bankers on Monday.",
        '"Rates will fall," she told reporters.',
    )
    assert summary(quotes) == [("Rates will fall", "Ana Ruiz", "full")]
    assert quotes[0].said_to == "reporters"


def test_bare_surname_resolves_to_the_full_name():
    quotes = quotes_of(
        "Mayor Paul Brandt opened the bridge.",
        '"It took ten years," Brandt said.',
    )
    assert [q.speaker for q in quotes] == ["Paul Brandt"]


def test_quote_broken_by_its_attribution_is_two_quotes_of_one_speaker():
    quotes = quotes_of('"We are ready," Paul Brandt said. "The city has waited long enough."')
    assert summary(quotes) == [
        ("We are ready", "Paul Brandt", "full"),
        ("The city has waited long enough.", "Paul Brandt", "full"),
    ]


def test_quote_continued_in_the_next_paragraph_keeps_its_speaker():
    quotes = quotes_of(
        '"The first thing we did was count the votes," Ana Ruiz said. "Then we counted again.',
        '"And the result was the same."',
    )
    assert [q.speaker for q in quotes] == ["Ana Ruiz"] * 3
    assert quotes[2].paragraph == 1


def test_paragraph_ending_in_a_colon_introduces_the_next_quote():
    quotes = quotes_of("Governor Ana Ruiz stated:", '"The budget is balanced."')
    assert summary(quotes) == [("The budget is balanced.", "Ana Ruiz", "full")]


def test_partial_quote_inside_the_writers_sentence():
    quotes = quotes_of('Joe Biden said Vladimir Putin would "not stop" at Ukraine.')
    assert summary(quotes) == [("not stop", "Joe Biden", "partial")]


def test_attribution_at_the_end_of_the_sentence():
    quotes = quotes_of(
        'The town backed "common sense" rules for the river, Mayor Paul Brandt added.'
    )
    assert summary(quotes) == [("common sense", "Paul Brandt", "partial")]


def test_organisation_as_speaker():
    quotes = quotes_of('The Defense Ministry said its troops had "completed the mission."')
    assert [(q.speaker, q.speaker_type) for q in quotes] == [
        ("the Defense Ministry", "organization")
    ]


def test_scare_quotes_without_a_speaker_are_not_quotes():
    assert (
        quotes_of('The court designated the group as an "undesirable" organization on Friday.')
        == []
    )


def test_titles_in_quotation_marks_are_not_quotes():
    assert quotes_of('Senator Ann Lee told "Meet the Press" that she would run.') == []


def test_description_speaker_is_kept_without_a_name():
    quotes = quotes_of('"We saw nothing," one official said.')
    assert [(q.text, q.speaker, q.speaker_type) for q in quotes] == [("We saw nothing", None, None)]


def test_signature_after_a_dash_names_the_speaker():
    quotes = quotes_of("“Vote early and vote often.” ― Carla Sanchez")
    assert [q.speaker for q in quotes] == ["Carla Sanchez"]


def test_relative_clause_does_not_steal_the_subject():
    quotes = quotes_of(
        '"It was a mistake," Katie Packer, who chairs the Better Roads Committee said.'
    )
    assert [q.speaker for q in quotes] == ["Katie Packer"]


def test_a_quote_running_on_into_the_next_paragraph_takes_the_speaker_named_there():
    quotes = quotes_of(
        "Anna Example, a teacher, left the city in 2022.",
        '"When I came back, I did not recognise my own street. Everything was gone.',
        '"The new council told us to start again," she said.',
    )
    assert [(q.text, q.speaker, q.paragraph) for q in quotes] == [
        (
            "When I came back, I did not recognise my own street. Everything was gone.",
            "Anna Example",
            1,
        ),
        ("The new council told us to start again", "Anna Example", 2),
    ]


def test_a_run_on_quote_whose_next_paragraph_is_not_quoted_is_left_out():
    quotes = quotes_of(
        "Anna Example, a teacher, said the city had changed.",
        '"Everything was gone.',
        "The council did not comment.",
    )
    assert quotes == []


def test_the_ministry_said_is_the_ministry_named_before():
    quotes = quotes_of(
        "The Defense Ministry said 84 drones had been shot down overnight.",
        '"Air defenses destroyed all of them," the ministry said on Telegram.',
        '"No comment," the agency said.',
    )
    assert [(q.speaker, q.speaker_type) for q in quotes] == [
        ("the Defense Ministry", "organization"),
        (None, None),
    ]


@pytest.mark.parametrize(
    ("paragraph", "speaker"),
    [
        ('"It is over," Anna Example of the Carnegie Center said.', "Anna Example"),
        ('"It is over," Anna Example, an analyst at Harbour Research, said.', "Anna Example"),
        (
            'The spokesman for the Investigative Committee, Anna Example, said: "It is over."',
            "Anna Example",
        ),
        ('"It is over," the Carnegie Center said.', "the Carnegie Center"),
    ],
)
def test_the_speaker_is_the_subject_not_an_organisation_beside_it(paragraph, speaker):
    assert [q.speaker for q in quotes_of(paragraph)] == [speaker]


@pytest.mark.parametrize(
    ("paragraph", "said_to"),
    [
        ('Jo Doe told reporters the decision was "regrettable".', "reporters"),
        (
            '"It is fine," Jo Doe told the Interfax news agency on Monday.',
            "the Interfax news agency",
        ),
        ('"It is fine," Jo Doe told state television.', "state television"),
        ('"It is fine," Jo Doe told a news conference in Moscow.', "a news conference"),
    ],
)
def test_said_to_is_the_audience_only(paragraph, said_to):
    assert [q.said_to for q in quotes_of(paragraph)] == [said_to]


@pytest.mark.parametrize(
    ("paragraph", "speaker"),
    [
        (
            'Interfax cited Kremlin spokesman Jo Doe as saying that the plan was "unacceptable."',
            "Jo Doe",
        ),
        (
            'The state news agency quoted Deputy Minister Jo Doe as saying: "Talks are over."',
            "Jo Doe",
        ),
        ('According to Doe, the talks were "useful."', "Doe"),
        (
            '"Talks are over," the RIA news agency quoted Deputy Minister Jo Doe as saying.',
            "Jo Doe",
        ),
        (
            "Deputy Minister Jo Doe was quoted by the Interfax news agency as saying that Moscow "
            'was "ensuring the security."',
            "Jo Doe",
        ),
        ('According to the Kremlin, the talks were "useful."', "the Kremlin"),
    ],
)
def test_quoted_as_saying_and_according_to(paragraph, speaker):
    assert [q.speaker for q in quotes_of(paragraph)] == [speaker]


def test_she_and_he_go_to_the_person_of_that_gender():
    quotes = quotes_of(
        "Forestry expert Anna Seleznyova said the fires were spreading.",
        "Regional governor Mikhail Baldanov said the army would help.",
        '"The smoke will reach the city by Friday," she said.',
        '"We have enough firefighters," he said.',
    )
    assert [(q.text, q.speaker) for q in quotes] == [
        ("The smoke will reach the city by Friday", "Anna Seleznyova"),
        ("We have enough firefighters", "Mikhail Baldanov"),
    ]


def test_a_company_named_in_one_word_is_an_organisation():
    quotes = quotes_of('"Demand is weak," Gazprom said in a statement.')
    assert [(q.speaker, q.speaker_type) for q in quotes] == [("Gazprom", "organization")]
    assert extract_people(['"Demand is weak," Gazprom said in a statement.']) == []


@pytest.mark.parametrize(
    "paragraph",
    [
        'Downing Street said it was "disappointed" by the decision.',
        '"We regret it," Downing Street said.',
    ],
)
def test_an_office_named_by_its_street_is_an_organisation(paragraph):
    assert [(q.speaker, q.speaker_type) for q in quotes_of(paragraph)] == [
        ("Downing Street", "organization")
    ]


@pytest.mark.parametrize(
    ("paragraphs", "speaker"),
    [
        (['"It is a dog whistle," Rep. Anna Example (D-Wis.) said Friday.'], "Anna Example"),
        (['As Jo Doe, a tax lawyer, recently put it, "Did anyone read the bill?"'], "Jo Doe"),
        (['"It was a good thing," said the Rev. Tom Sample, of the harbour church.'], "Tom Sample"),
        (['"Never again," said 9/11 widow Anna Example.'], "Anna Example"),
        (['"We will see," Julie A. Example Sample told reporters.'], "Julie A. Example Sample"),
    ],
)
def test_more_attribution_forms(paragraphs, speaker):
    assert [q.speaker for q in quotes_of(*paragraphs)] == [speaker]


def test_a_sentence_with_its_own_speech_verb_does_not_take_the_last_speaker():
    quotes = quotes_of(
        '"We are ready," Anna Example said.',
        '"Ready for what?" the crowd\'s loudest voice replied from somewhere.',
    )
    assert [(q.text, q.speaker) for q in quotes] == [
        ("We are ready", "Anna Example"),
        ("Ready for what?", None),
    ]


def test_new_starts_a_name_before_another_capitalised_word():
    quotes = quotes_of(
        'The New York Times reported: "The deal is done."',
        '"It is over," New Jersey Gov. Anna Example said.',
    )
    assert [q.speaker for q in quotes] == ["the New York Times", "Anna Example"]
    people = extract_people(['"It is over," New Jersey Gov. Anna Example said.'])
    assert [(p.name, p.role) for p in people] == [("Anna Example", "New Jersey Gov.")]


def test_he_after_a_subject_set_off_by_commas_and_the_title_said():
    quotes = quotes_of(
        "Jana Novak said talks would go on.",
        "The Commission's chief spokesman, Tom Sample, declined to discuss alternatives.",
        '"The Commission is working," he said.',
        "Mayor Anna Example visited the site on Monday. Residents shouted at officials.",
        'The mayor said: "I will answer every question."',
        '16:30 — President Jo Doe has ordered an inquiry. "We will find them," he said.',
    )
    assert [q.speaker for q in quotes] == ["Tom Sample", "Anna Example", "Jo Doe"]


def test_a_signature_line_under_a_quotation_names_its_speaker():
    quotes = quotes_of(
        "Anna Example said the drills went well.",
        '"Let them come and try!"',
        "— Defense Minister Tom Sample, responding to the alliance.",
        '"Our soldiers are ready." — Sample, speaking to cadets.',
    )
    assert [(q.text, q.speaker) for q in quotes] == [
        ("Let them come and try!", "Tom Sample"),
        ("Our soldiers are ready.", "Tom Sample"),
    ]


def test_a_joint_source_goes_to_the_first_name():
    quotes = quotes_of('Anna Example and Tom Sample said the attackers were "lone wolves."')
    assert [q.speaker for q in quotes] == ["Anna Example"]


def test_a_speaker_quoted_by_full_name_is_listed_among_the_people():
    from articles.extraction import extract_from_text

    extracted = extract_from_text(
        "Harbour Talks Stall\n\n"
        'The talks stalled again. As the critic Anna Example put it, "Nobody wants a deal."\n',
        filename="talks.txt",
    )
    assert [q.speaker for q in extracted.quotes] == ["Anna Example"]
    assert "Anna Example" in [p.name for p in extracted.people]
