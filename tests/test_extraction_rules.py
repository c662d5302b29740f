"""Each named rule decides something: with the rule switched off, its example goes wrong.

The examples are general shapes of news writing, not sentences of any data set.
"""

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
