"""People extraction: who is named, under which name, with which role."""

import json
from pathlib import Path

import pytest

from articles.extraction.people import extract_people, name_key

SEEDS_GOLD = sorted((Path(__file__).parent / "data" / "seeds_gold").glob("*.json"))


def people_of(*paragraphs):
    return {p.name: (p.role, p.aliases) for p in extract_people(list(paragraphs))}


@pytest.mark.parametrize("path", SEEDS_GOLD, ids=lambda p: p.stem)
def test_seed_people_match_gold(path):
    gold = json.loads(path.read_text())
    people = extract_people(gold["body"])
    assert [(p.name, p.role, p.aliases) for p in people] == [
        (g["name"], g["role"], g["variants"]) for g in gold["people"]
    ]


def test_role_is_the_title_in_front_of_the_name():
    people = people_of(
        "Kremlin spokesman Dmitry Peskov spoke after Belgorod Governor Vyacheslav Gladkov."
    )
    assert people == {
        "Dmitry Peskov": ("Kremlin spokesman", []),
        "Vyacheslav Gladkov": ("Belgorod Governor", []),
    }


def test_role_stops_at_a_possessive_determiner():
    assert people_of("Putin met his Chinese counterpart Xi Jinping in Beijing.") == {
        "Xi Jinping": ("Chinese counterpart", [])
    }


def test_variants_of_one_name_are_one_person():
    people = people_of(
        "President Joe Biden spoke on Monday.",
        "Biden said the talks would go on.",
        "Mr. Biden then left.",
    )
    assert people == {"Joe Biden": ("President", ["Biden"])}


def test_spelling_variants_are_merged_under_the_first_full_form():
    people = people_of(
        "Ukrainian President Volodymyr Zelensky spoke.", "Volodymyr Zelenskiy said more."
    )
    assert list(people) == ["Volodymyr Zelensky"]


def test_described_speaker_named_in_the_next_paragraph_takes_the_description_as_role():
    people = people_of(
        "Mayor Ann Lee's chief spokesman said on Sunday that the plan was dead.",
        "Tom Hale told reporters the city would wait.",
    )
    assert people["Tom Hale"][0] == "chief spokesman"


def test_organisations_and_places_are_not_people():
    people = people_of(
        "The White House and the Defense Ministry said talks at the Elysee Palace "
        "in Northern Ireland would resume, as Kyiv has accused Moscow of delays."
    )
    assert people == {}


def test_middle_initials_and_particles_stay_in_the_name():
    people = people_of(
        "Former ambassador James B. Cunningham met the press.",
        "Cunningham said little, and Ursula von der Leyen said nothing.",
    )
    assert set(people) == {"James B. Cunningham", "Ursula von der Leyen"}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Zelensky", "Zelenskiy"),
        ("Zelensky", "Zelenskyy"),
        ("José Martí", "jose marti"),
        ("Dmitry Peskov", "Dmitri Peskov"),
        ("Alexei Navalny", "Aleksey Navalny"),
        ("Jean-Pierre", "Jean Pierre"),
    ],
)
def test_name_key_folds_case_accents_and_transliteration(a, b):
    assert name_key(a) == name_key(b)


def test_name_key_keeps_different_names_apart():
    assert name_key("Bill Clinton") != name_key("Hillary Clinton")
    assert name_key("") == ""


def test_places_common_nouns_and_sentence_words_are_not_people():
    people = extract_people(
        [
            "Russia said on Monday that the talks had failed.",
            "Teachers said the plan was unfair, and the teachers' union agreed.",
            "Having said that, Neither Clinton nor anyone else replied. I'll wait, Smith said.",
            "Analysts said the harbour would close. Officials said nothing.",
        ]
    )
    assert [p.name for p in people] == ["Smith"]


def test_a_word_capitalised_only_to_start_a_sentence_is_not_part_of_the_name():
    people = extract_people(
        [
            "Certainly Anna Example said so, and she certainly meant it.",
            "Maybe Tom Sample said it, maybe not.",
            "Following Jo Doe said the band, following the crowd.",
        ]
    )
    assert [p.name for p in people] == ["Anna Example", "Tom Sample", "Jo Doe"]


def test_given_names_that_are_also_words_still_start_a_name():
    people = extract_people(
        [
            "Will Example said he will stay. Mark Sample said it was a mark of respect.",
            "De Lorenzo said de facto rules applied.",
        ]
    )
    assert [p.name for p in people] == ["Will Example", "Mark Sample", "De Lorenzo"]


@pytest.mark.parametrize(
    ("sentence", "role"),
    [
        (
            "Anna Example, the air force commander, told reporters it was over.",
            "air force commander",
        ),
        (
            "Tom Sample, a spokesman for the ministry, said talks would go on.",
            "spokesman for the ministry",
        ),
        ("Jo Doe, who once ran the agency, said nothing.", None),
        ("Jo Doe, President Smith's approval rating remains strong, she said.", None),
    ],
)
def test_role_from_an_appositive_after_the_name(sentence, role):
    people = {p.name: p.role for p in extract_people([sentence])}
    assert people.get(sentence.split(",")[0]) == role


@pytest.mark.parametrize(
    ("sentence", "name", "role"),
    [
        (
            "U.S. Secretary of State Anna Example said no.",
            "Anna Example",
            "U.S. Secretary of State",
        ),
        (
            "Chief of the General Staff Tom Sample said no.",
            "Tom Sample",
            "Chief of the General Staff",
        ),
        (
            "Deputy Mayor for Transport Jo Doe said fares would rise.",
            "Jo Doe",
            "Deputy Mayor for Transport",
        ),
        ("White House chief of staff Jo Doe said no.", "Jo Doe", "White House chief of staff"),
        ("NATO Secretary-General Anna Example said no.", "Anna Example", "NATO Secretary-General"),
        ("Organizer Anna Example said 300 people came.", "Anna Example", "Organizer"),
        (
            '"Prices will rise," said Anna Example, an economist at Harbour Bank.',
            "Anna Example",
            "economist at Harbour Bank",
        ),
        (
            "Tom Sample, Russia's Security Council secretary, said the talks failed.",
            "Tom Sample",
            "Russia's Security Council secretary",
        ),
    ],
)
def test_roles_with_of_and_for_hyphens_and_appositives(sentence, name, role):
    assert {p.name: p.role for p in extract_people([sentence])} == {name: role}


def test_an_organisation_after_of_is_not_a_person():
    people = extract_people(
        [
            "Jo Doe, director of the UCLA Harbour Forecast, said growth would slow.",
            "Tom Sample, head of the hedge fund Evercore Partners, said so too.",
        ]
    )
    assert [p.name for p in people] == ["Jo Doe", "Tom Sample"]


@pytest.mark.parametrize(
    ("sentence", "name", "role"),
    [
        ("His lawyer, Anna Example, told reporters it was absurd.", "Anna Example", "His lawyer"),
        (
            "Russia's ambassador to the United Nations, Tom Sample, said the vote was illegal.",
            "Tom Sample",
            "Russia's ambassador to the United Nations",
        ),
        (
            "The head of state energy company Harbourgaz, Jo Doe, said gas flows.",
            "Jo Doe",
            "head of state energy company Harbourgaz",
        ),
    ],
)
def test_role_set_off_by_commas_before_the_name(sentence, name, role):
    assert {p.name: p.role for p in extract_people([sentence])} == {name: role}


def test_words_in_a_list_before_a_name_are_not_a_role():
    people = extract_people(["In Moscow, Kyiv and Warsaw, Anna Example said prices rose."])
    assert [(p.name, p.role) for p in people] == [("Anna Example", None)]


def test_a_two_letter_initial_stays_inside_the_name():
    people = extract_people(
        ["Judge Ainura Sh. Example said the hearing would resume.", "The talks with Xi. The end."]
    )
    assert [(p.name, p.role) for p in people] == [("Ainura Sh. Example", "Judge")]
