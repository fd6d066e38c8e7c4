"""Quotes and their speakers, end to end through the analyze stage (sentences, entities,
mentions from the real pipeline), on the seed articles and on short texts written here."""

from __future__ import annotations

import re

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from manysides.analyze import analyze_batch
from manysides.analyze.attribution import Context, Resolver, load_rules
from manysides.analyze.nlp import load_spacy
from manysides.analyze.quotes import extract_quotes, find_quote_spans
from manysides.analyze.sentences import split_sentences
from manysides.models import Article, ArticleAnalysis, Quote
from manysides.settings import Settings

# Hand-annotated gold: every quotation (direct and reported) of two seed articles, as
# (a short prefix of the quoted words, the speaker, the kind).
GOLD = {
    "002": [
        ("Meetings show the bonds between", "analysts", "reported"),
        ("decision to give a high-profile", "observers", "reported"),
        ("further enhance strategic communication between", "Li Shangfu", "direct"),
        ("military and political ties between", "Li Shangfu", "reported"),
        ("outperformed", "Li Shangfu", "direct"),
        ("This is my first overseas visit", "Li Shangfu", "direct"),
        ("Putin praised cooperation between the", "Kremlin", "reported"),
        ("they regularly exchanged information", "Vladimir Putin", "reported"),
        ("the strategic importance of our", "Li Shangfu", "direct"),
        ("part of the exercise would", "Sergei Shoigu", "reported"),
        ("it wants peace for the", "China", "reported"),
        ("the exchanges showed that Russia-China", "Chinese analysts", "reported"),
        ("there was a tradition of", "Yang Jin", "reported"),
        ("solid and unaffected by changes", "Yang Jin", "direct"),
        ("the cooperation was helpful to", "Yang Jin", "reported"),
        ("not only in Europe, but", "Yang Jin", "direct"),
        ("Some countries are forging military", "Yang Jin", "direct"),
        ("the improved military ties and", "Fu Qianshao", "reported"),
        ("China would not sell weapons", "Qin Gang", "reported"),
    ],
    "003": [
        ("Chinese State Councilor and Minister", "Ministry of National Defense", "reported"),
        ("The two sides agreed to", "Chinese Defense Ministry", "reported"),
        ("by expanding cooperation between theaters", "Song Zhongping", "reported"),
        ("Cooperation between theaters means that", "Song Zhongping", "reported"),
        ("more military services could start", "Zhang Hong", "reported"),
        ("Russia previously announced that it", "Zhang Hong", "reported"),
        ("it is helping China developing", "Russia", "reported"),
        ("In terms of cooperation between", "experts", "reported"),
        ("China and Russia have held", "observers", "reported"),
        ("they will firmly support each", "Li and Shoigu", "reported"),
        ("China and Russia are both facing", "Song Zhongping", "reported"),
        ("Both China and Russia oppose", "Song Zhongping", "reported"),
        ("Russia supports China in the", "Song Zhongping", "reported"),
        ("On the Ukraine crisis, China's", "Zhang Hong", "reported"),
        ("the first place he chose", "Li Shangfu", "reported"),
        ("the interaction between Russia and", "Sergei Shoigu", "reported"),
        ("the two countries are coordinating", "Sergei Shoigu", "reported"),
        ("During Li's visit to Moscow", "RT", "reported"),
        ("The location is a war", "observers", "reported"),
    ],
}
RECALL_FLOOR = 0.8
SPEAKER_FLOOR = 0.8

# Short texts written for these tests (not from any article).
MADE_UP = {
    "split": (
        "Maria Santos, the mayor of Lisbon, opened the new bridge on Friday.\n"
        "“This bridge joins two halves of our city,” Santos said. “It took "
        "eleven years, and it was worth every one of them.”\n"
        "She added that the toll would be dropped in June."
    ),
    "paragraphs": (
        "Economist Paul Wren spoke at length about inflation.\n"
        "“Prices rose faster than wages for three straight years, and families noticed it "
        "at the checkout every single week.\n"
        "“Nobody should be surprised that trust in the central bank fell,” Wren said."
    ),
    "surname_medium": (
        "Lena Park, a climate scientist at the University of Oslo, told Reuters on Monday "
        "that the glacier had lost a third of its mass.\n"
        "The loss will speed up over the next decade, Park said.\n"
        "The melting ice is changing local weather, experts said.\n"
        "Officials call the plan a “green deal” for the region."
    ),
    "not_speech": (
        "Members of the House began to read the Constitution aloud on Thursday.\n"
        "The senator was a guest on NBC's “Meet the Press.” The show ran long."
    ),
    "embedded": (
        "Senator Ana Ruiz spoke to farmers in Leeds on Saturday.\n"
        "Ruiz was quick to answer: “Nobody in this chamber voted for higher fuel taxes.”\n"
        "At a rally in the harbour district, Ruiz dismissed the budget as “pure fantasy.”\n"
        "The city is under pressure over its “zero waste” pledge."
    ),
    "newswire": (
        "Carlos Garcia campaigned in Reno on Sunday.\n"
        "''We will win this county,'' Mr. Garcia said. ''The voters are with us.''"
    ),
    "fragment": "Mayor Maria Lopez said the bridge plan was “a costly mistake” for the town.",
    "groups": (
        "“It is over,” a White House spokesman said.\n"
        "Aides to Governor Maria Lopez say she will veto the bill.\n"
        "A producer for the Varna Channel told reporters that the show was cancelled.\n"
        "Half of Vermont Democrats said they wanted a change.\n"
        "Gov. John Kasich (R-OH) said the plan was dead on arrival."
    ),
    "after": (
        "Hillary Clinton spoke in Ohio on Friday.\n"
        "“That means a loose cannon is within reach of the most powerful job,” warned "
        "Clinton.\n"
        "Bill Skelly, a longtime data operative, vouched for both men.\n"
        "“Having access to the file is valuable,” said Skelly, explaining his work.\n"
        "“It's unusual,“ said Larry Noble, an attorney with the Campaign Legal Center.\n"
        "“We lost the county,” the former chief executive of Hewlett-Packard added.\n"
        "A Romney campaign ad said the plan cut Medicare by a third.\n"
        "According to a new article in the Varna Post, the mayor will resign.\n"
        "People close to the governor said she would not run again.\n"
        "Many dockers, who say the pay is too low, stayed home."
    ),
    # issue 18: attribution where the parse breaks, speakers continued, fragments
    "broken_parse": (
        "“They were kind to us,” Father Luis Ortega of Saint Joseph Church, told HuffPost.\n"
        "After winning Ohio, Gov. Paul Brandt (R-OH), said, “I am getting ready to rent a "
        "covered wagon.”"
    ),
    "he_said_of": (
        "Karl Vance spoke in Iowa on Monday. “I only want the oil,” Vance said. He said "
        "Ortega “has no plan at all.”\n"
        "Of Ortega, he said, “I want him to do well. I love this country.”"
    ),
    "the_spokesperson": (
        "A spokesperson for Google says the company “cares deeply” about the data.\n"
        "“We disclose user data only in accordance with the law,” the spokesperson said."
    ),
    "fragments": (
        "Senator Ann Reyes says “the wind is at our backs” despite her loss in Nevada.\n"
        "Tom Welch called the deal “fiscally irresponsible” and “grossly unfair.” The letter "
        "says the mayor “should not back down.”\n"
        "Tim Madden runs the studio. Old shows bring fans back. (The French, it turns out, "
        "are big fans of “Prison Break,” Mr. Madden said.)"
    ),
    "apostrophes": (
        "Rep. Hank Moss (D-Ga.) said in ‘09 that voters had changed. “I do sense that people "
        "are aware of it,” he said.\n"
        "''Part of my job is to say: 'Hey, this guy is for real,''' Mr. Bryan English said."
    ),
    "trailing_then_quote": (
        "Party leaders are running out of time. Or maybe Tom Hale, digital consultant "
        "Peter Marsh says. “Several surveys suggest a second look is occurring in the state.”"
    ),
    "statement_announcing": (
        "“We take no issue with the march. We believe in free assembly,” union president "
        "Alma Reyes said in a written statement announcing the vote. “What we take issue "
        "with is the silence about the threats.”"
    ),
    "as_saying": (
        "The agency quoted Foreign Minister Omar Haddad as saying that talks would resume.\n"
        "The talks collapsed last month, according to a statement from the Ministry of "
        "Foreign Affairs."
    ),
}


def _articles(texts: dict[str, str], published: dict[str, str | None]) -> list[Article]:
    return [Article(id=k, source=k, text=t, published=published.get(k))
            for k, t in texts.items()]


@pytest.fixture(scope="session")
def seed_analyses(seed_paths) -> dict[str, tuple[str, ArticleAnalysis]]:
    """The five seeds through the real analyze stage, once per test session."""
    texts = {k: p.read_text(encoding="utf-8") for k, p in seed_paths.items()}
    published = {"001": "2023-04-17T21:43:00+08:00", "003": "2023-04-19T00:10:00+08:00"}
    results = analyze_batch(_articles(texts, published), settings=Settings())
    return {k: (texts[k], analysis) for k, (analysis, _) in zip(texts, results, strict=True)}


@pytest.fixture(scope="session")
def made_up_analyses() -> dict[str, ArticleAnalysis]:
    results = analyze_batch(_articles(MADE_UP, {}), settings=Settings())
    return {k: analysis for k, (analysis, _) in zip(MADE_UP, results, strict=True)}


def _norm(s: str) -> str:
    s = s.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", s).strip().lower()


def _find(quotes: list[Quote], prefix: str, kind: str | None = None) -> list[Quote]:
    hits = [q for q in quotes if _norm(prefix) in _norm(q.text) and q.kind != "scare"]
    if kind is not None:
        preferred = [q for q in hits if q.kind == kind]
        hits = preferred or hits
    return sorted(hits, key=lambda q: len(q.text))


def _same_speaker(predicted: str | None, gold: str) -> bool:
    if predicted is None:
        return False
    p, g = _norm(predicted).removeprefix("the "), _norm(gold).removeprefix("the ")
    return p == g or p.endswith(" " + g) or g.endswith(" " + p)


# ---------------------------------------------------------------- seed requirements


def test_putin_direct_quote_in_004(seed_analyses):
    _, analysis = seed_analyses["004"]
    q = _find(analysis.quotes, "Our two countries have maintained positive momentum")[0]
    assert q.kind == "direct"
    assert q.speaker == "Vladimir Putin"
    assert q.speaker_type == "person"


def test_li_quoted_by_russian_authorities_in_002(seed_analyses):
    text, analysis = seed_analyses["002"]
    q = _find(analysis.quotes, "This is my first overseas visit since taking over as "
                               "minister of defence")[0]
    assert (q.kind, q.speaker, q.cue) == ("direct", "Li Shangfu", "quoted")
    assert q.medium and "authorities" in q.medium
    assert text[q.start:q.end] == q.text
    assert q.text.startswith("This is my first") and "bilateral relations" in q.text


def test_zhuo_reported_speech_and_medium_in_000(seed_analyses):
    _, analysis = seed_analyses["000"]
    q = _find(analysis.quotes, "It is also necessary for the two sides to exchange views")[0]
    assert (q.kind, q.speaker, q.speaker_type, q.medium) == (
        "reported", "Zhuo Hua", "person", None)
    earlier = _find(analysis.quotes, "Choosing Russia as the destination")[0]
    assert (earlier.speaker, earlier.medium, earlier.cue) == ("Zhuo Hua", "Global Times", "told")
    assert earlier.descriptor and "international affairs expert" in earlier.descriptor
    assert "Beijing Foreign Studies University" in earlier.descriptor


def test_zhang_hong_reported_with_medium_in_003(seed_analyses):
    _, analysis = seed_analyses["003"]
    q = _find(analysis.quotes, "more military services could start to have exchanges")[0]
    assert (q.kind, q.speaker, q.medium) == ("reported", "Zhang Hong", "Global Times")
    assert q.descriptor and q.descriptor.startswith("an associate research fellow")


def test_no_limits_is_a_scare_quote_in_002(seed_analyses):
    _, analysis = seed_analyses["002"]
    scare = [q for q in analysis.quotes if q.text == "no limits"]
    assert len(scare) == 1
    assert scare[0].kind == "scare" and scare[0].speaker is None


def test_scare_quotes_and_group_speakers_in_004(seed_analyses):
    _, analysis = seed_analyses["004"]
    by_text = {q.text: q for q in analysis.quotes}
    assert by_text["peace plan"].kind == "scare"
    assert by_text["analysts"].kind == "scare"  # cited regime-approved “analysts”
    said = _find(analysis.quotes, "The China-Russia joint military drills")[0]
    assert (said.speaker, said.speaker_type) == ("Global Times", "outlet")
    wang = _find(analysis.quotes, "China is ready to work with Russia")[0]
    assert wang.speaker == "Wang Wenbin" and wang.cue == "told"


def test_split_quote_and_agency_paraphrase_in_004(seed_analyses):
    _, analysis = seed_analyses["004"]
    first = _find(analysis.quotes, "China is willing to work with Russia to fully implement")[0]
    second = _find(analysis.quotes, "and bolster multilateral coordination")[0]
    for q in (first, second):
        assert (q.kind, q.speaker, q.cue) == ("direct", "Li Shangfu", "paraphrased")
        assert q.medium and q.medium.startswith("Xinhua")


def test_every_quote_points_into_the_text(seed_analyses):
    for text, analysis in seed_analyses.values():
        for q in analysis.quotes:
            assert text[q.start:q.end] == q.text
            assert q.kind in ("direct", "reported", "scare")
            assert q.sentence is not None


def test_unnamed_groups_in_001(seed_analyses):
    _, analysis = seed_analyses["001"]
    stressed = _find(analysis.quotes, "China-Russia military cooperation not only serves")[0]
    assert (stressed.speaker, stressed.speaker_type, stressed.cue) == (
        "analysts", "unnamed", "stressed")
    chinese = _find(analysis.quotes, "is also a signal jointly sent by China and Russia")[0]
    assert (chinese.speaker, chinese.speaker_type) == ("Chinese analysts", "unnamed")
    xinhua = _find(analysis.quotes, "Russian President Vladimir Putin met with")[0]
    assert (xinhua.speaker_type, xinhua.cue) == ("outlet", "reported")
    assert xinhua.speaker and xinhua.speaker.startswith("Xinhua")


def test_only_cue_sentences_are_parsed(seed_analyses):
    """The parser sees the sentences with a reporting cue outside quote marks, no others."""
    text, analysis = seed_analyses["000"]
    spy = _SpyNlp(load_spacy(Settings().spacy_model))
    quotes = extract_quotes(text, analysis.sentences, analysis.entities, analysis.mentions,
                            nlp=spy)
    assert quotes == analysis.quotes
    assert 0 < len(spy.parsed) < len(analysis.sentences)
    assert all(re.search(r"\b(?:said|told|saying|according to)\b", t) for t in spy.parsed)
    assert not any("Over the past year, China and Russia conducted" in t for t in spy.parsed)


class _SpyNlp:
    """A spaCy pipeline stand-in that records what it is asked to parse."""

    def __init__(self, nlp) -> None:
        self.nlp = nlp
        self.pipe_names = nlp.pipe_names
        self.parsed: list[str] = []

    def pipe(self, texts, **kwargs):
        texts = list(texts)
        self.parsed.extend(texts)
        return self.nlp.pipe(texts, **kwargs)


@pytest.mark.parametrize("article", sorted(GOLD))
def test_gold_recall_and_speaker_accuracy(seed_analyses, article):
    _, analysis = seed_analyses[article]
    gold = GOLD[article]
    found = right = kind_right = 0
    misses = []
    for prefix, speaker, kind in gold:
        hits = _find(analysis.quotes, prefix, kind)
        if not hits:
            misses.append(f"missed: {prefix!r}")
            continue
        found += 1
        q = hits[0]
        kind_right += q.kind == kind
        if _same_speaker(q.speaker, speaker):
            right += 1
        else:
            misses.append(f"speaker: {prefix!r} -> {q.speaker!r}, gold {speaker!r}")
    recall = found / len(gold)
    accuracy = right / max(found, 1)
    print(f"\n{article}: quote recall {recall:.2f} ({found}/{len(gold)}), speaker accuracy "
          f"{accuracy:.2f} ({right}/{found}), kind accuracy {kind_right / max(found, 1):.2f}; "
          + "; ".join(misses))
    assert recall >= RECALL_FLOOR, misses
    assert accuracy >= SPEAKER_FLOOR, misses


# ---------------------------------------------------------------- made-up texts


def test_quote_split_by_attribution_keeps_speaker(made_up_analyses):
    quotes = made_up_analyses["split"].quotes
    first = _find(quotes, "This bridge joins two halves")[0]
    second = _find(quotes, "It took eleven years")[0]
    assert first.speaker == second.speaker == "Maria Santos"
    assert first.kind == second.kind == "direct"
    added = _find(quotes, "the toll would be dropped")[0]
    assert (added.kind, added.speaker, added.cue) == ("reported", "Maria Santos", "added")


def test_quote_running_over_paragraphs_is_one_quote(made_up_analyses):
    quotes = [q for q in made_up_analyses["paragraphs"].quotes if q.kind == "direct"]
    assert len(quotes) == 1
    q = quotes[0]
    assert q.text.startswith("Prices rose") and q.text.endswith("trust in the central bank fell")
    assert q.speaker == "Paul Wren"


def test_surname_medium_group_and_scare(made_up_analyses):
    quotes = made_up_analyses["surname_medium"].quotes
    told = _find(quotes, "the glacier had lost a third")[0]
    assert (told.speaker, told.medium, told.cue) == ("Lena Park", "Reuters", "told")
    assert told.descriptor == "a climate scientist at the University of Oslo"
    later = _find(quotes, "The loss will speed up")[0]
    assert later.speaker == "Lena Park" and later.medium is None
    assert later.descriptor == told.descriptor  # carried over from the first attribution
    group = _find(quotes, "The melting ice is changing")[0]
    assert (group.speaker, group.speaker_type) == ("experts", "unnamed")
    scare = [q for q in quotes if q.text == "green deal"]
    assert scare and scare[0].kind == "scare"


def test_as_saying_and_according_to(made_up_analyses):
    quotes = made_up_analyses["as_saying"].quotes
    q = _find(quotes, "talks would resume")[0]
    assert (q.kind, q.speaker, q.cue) == ("reported", "Omar Haddad", "quoted")
    assert q.medium == "agency"
    src = _find(quotes, "The talks collapsed last month")[0]
    assert src.cue == "according to" and src.medium == "a statement"
    assert src.speaker and "Ministry of Foreign Affairs" in src.speaker
    assert src.speaker_type == "organization"


def test_reading_aloud_and_titles_are_not_quotes(made_up_analyses):
    quotes = made_up_analyses["not_speech"].quotes
    assert [(q.text, q.kind) for q in quotes] == [("Meet the Press.", "scare")]


def test_quote_marks_and_apostrophes():
    text = ("Officials said ‘enough is enough’ and the minister’s plan, the 'rainbow' "
            "scheme, was \"dead on arrival\" in the countries' capitals.")
    spans = [text[s:e] for s, e in find_quote_spans(text)]
    assert spans == ["enough is enough", "rainbow", "dead on arrival"]


def test_no_cue_no_parse():
    """Without a reporting cue the parser is never needed: a pipeline without one is fine."""
    text = "The bridge opened on Friday. It cost a “modest” sum."
    quotes = extract_quotes(text, split_sentences(text), [], [], nlp=_NoParser())
    assert [(q.text, q.kind) for q in quotes] == [("modest", "scare")]


class _NoParser:
    pipe_names: list[str] = []

    def pipe(self, texts, **kwargs):  # pragma: no cover - must not be called
        raise AssertionError("parsed a sentence without a cue")


def test_cue_less_quotes_embedded_in_a_sentence_about_a_person(made_up_analyses):
    """A colon-introduced quote and a partial quote belong to the person the sentence is
    about; a quoted phrase with no person in its sentence stays the author's scare quote."""
    quotes = made_up_analyses["embedded"].quotes
    colon = _find(quotes, "Nobody in this chamber voted")[0]
    assert (colon.speaker, colon.kind, colon.cue) == ("Ana Ruiz", "direct", ":")
    partial = [q for q in quotes if q.text.startswith("pure fantasy")][0]
    assert (partial.speaker, partial.kind) == ("Ana Ruiz", "direct")
    scare = [q for q in quotes if q.text == "zero waste"][0]
    assert scare.kind == "scare" and scare.speaker is None


def test_newswire_double_apostrophes_are_quote_marks(made_up_analyses):
    quotes = made_up_analyses["newswire"].quotes
    first = _find(quotes, "We will win this county")[0]
    second = _find(quotes, "The voters are with us")[0]
    assert first.kind == second.kind == "direct"
    assert first.speaker == second.speaker == "Carlos Garcia"
    assert first.descriptor != "Mr."  # a courtesy title is no descriptor
    text = "''Enough,'' she said, and the minister's ''plan'' failed."
    assert [text[s:e] for s, e in find_quote_spans(text)] == ["Enough,", "plan"]


def test_fragment_of_reported_speech_is_one_quote(made_up_analyses):
    quotes = made_up_analyses["fragment"].quotes
    assert [(q.kind, q.speaker) for q in quotes] == [("reported", "Maria Lopez")]
    assert "“a costly mistake”" in quotes[0].text


def test_group_and_unnamed_speakers_keep_whose_they_are(made_up_analyses):
    quotes = made_up_analyses["groups"].quotes
    speakers = {_find(quotes, text)[0].speaker: _find(quotes, text)[0].speaker_type
                for text in ("It is over", "she will veto the bill", "the show was cancelled",
                             "they wanted a change", "the plan was dead")}
    assert speakers == {
        "a White House spokesman": "unnamed",
        "aides to Governor Maria Lopez": "unnamed",
        "a producer for the Varna Channel": "unnamed",
        "Half of Vermont Democrats": "group",
        "John Kasich": "person",
    }


def test_speakers_after_the_quote_documents_and_findings(made_up_analyses):
    """“...,” warned Clinton / said Skelly (parsed as object or adverb), a typo'd closing
    mark, an office with its "of" phrase, a campaign's ad, an article's outlet."""
    quotes = made_up_analyses["after"].quotes
    got = {text: (_find(quotes, text)[0].speaker, _find(quotes, text)[0].medium)
           for text in ("a loose cannon", "Having access", "It's unusual", "We lost the county",
                        "the plan cut Medicare", "the mayor will resign",
                        "she would not run again")}
    assert got == {
        "a loose cannon": ("Hillary Clinton", None),
        "Having access": ("Bill Skelly", None),
        "It's unusual": ("Larry Noble", None),
        "We lost the county": ("former chief executive of Hewlett-Packard", None),
        "the plan cut Medicare": ("Romney campaign", "ad"),
        "the mayor will resign": ("Varna Post", "a new article"),
        "she would not run again": ("people close to the governor", None),
    }
    relative = _find(quotes, "the pay is too low")[0]  # "who say": the dockers speak
    assert (relative.speaker, relative.text) == ("dockers", "the pay is too low")
    clinton = _find(quotes, "a loose cannon")[0]
    assert clinton.speaker_entity == "hillary-clinton"  # an entity id, not only a string
    assert _find(quotes, "she would not run again")[0].speaker_entity is None


def test_speakers_where_the_parse_breaks(made_up_analyses):
    """A speaker left unattached by the parse (a parenthesis, an "of" phrase, a comma
    before the cue) is still the speaker; "told HuffPost" names whom, not who."""
    quotes = made_up_analyses["broken_parse"].quotes
    assert _find(quotes, "They were kind")[0].speaker == "Luis Ortega"
    assert _find(quotes, "I am getting ready")[0].speaker == "Paul Brandt"


def test_pronoun_after_a_name_in_reported_speech(made_up_analyses):
    """"He said Ortega ...": Ortega is what is said, so the next "he" is still Vance."""
    quotes = made_up_analyses["he_said_of"].quotes
    assert _find(quotes, "I want him to do well")[0].speaker == "Karl Vance"


def test_the_spokesperson_refers_back_to_the_earlier_one(made_up_analyses):
    quotes = made_up_analyses["the_spokesperson"].quotes
    assert _find(quotes, "We disclose user data")[0].speaker == "a spokesperson for Google"


def test_fragments_stay_in_their_reported_sentence(made_up_analyses):
    """A short quoted fragment inside a reported sentence is one reported quote holding it
    (cue before: the sentence goes on; cue after: the author's words come first), and a
    quote ending in a full stop takes no attribution from the next sentence."""
    quotes = made_up_analyses["fragments"].quotes
    wind = _find(quotes, "the wind is at our backs")
    assert [(q.kind, q.speaker) for q in wind] == [("reported", "Ann Reyes")]
    assert "despite her loss" in wind[0].text
    assert all(q.speaker != "letter" for q in _find(quotes, "grossly unfair"))
    french = _find(quotes, "Prison Break")
    assert french and all(q.speaker == "Tim Madden" for q in french)
    assert "big fans of" in french[0].text


def test_elided_years_and_three_apostrophes(made_up_analyses):
    """‘09 is no opening quote mark; ''' closes a single and a double quote at once."""
    text = MADE_UP["apostrophes"]
    spans = [text[s:e] for s, e in find_quote_spans(text)]
    assert not any(s.startswith("09") for s in spans)
    assert "Part of my job is to say: 'Hey, this guy is for real,'" in spans
    quotes = made_up_analyses["apostrophes"].quotes
    assert _find(quotes, "I do sense that")[0].speaker == "Hank Moss"
    assert _find(quotes, "Part of my job")[0].speaker == "Bryan English"


def test_party_code_in_parentheses_is_resolved_without_looping():
    """A name the tagger took for a common noun with a parenthesised party code as its
    apposition ("Gov. Dunn (R)"): resolving it must not climb back and forth (it looped
    until RecursionError, losing the article's quotes)."""
    words = ["Gov.", "Dunn", "(", "R", ")", "announced", "it", "."]
    doc = Doc(Vocab(), words=words, spaces=[True, True, False, False, True, True, False, False],
              tags=["NNP", "NN", "-LRB-", "NNP", "-RRB-", "VBD", "PRP", "."],
              heads=[1, 5, 3, 1, 3, 5, 5, 5],
              deps=["compound", "nsubj", "punct", "appos", "punct", "ROOT", "dobj", "punct"])
    resolver = Resolver(Context(doc.text, [], []), load_rules())
    speaker, _, descriptor, _ = resolver.resolve(doc[1], 0)
    assert (speaker, descriptor) == ("Gov. Dunn", "R")


def test_title_and_name_apposition_speaks_and_goes_on(made_up_analyses):
    """"..., digital consultant Peter Marsh says." then a quotation opening the next
    sentence: the consultant speaks both (the sentence before ends in the attribution)."""
    quotes = made_up_analyses["trailing_then_quote"].quotes
    quote = _find(quotes, "Several surveys suggest")[0]
    assert (quote.speaker, quote.descriptor) == ("Peter Marsh", "digital consultant")


def test_statement_announcing_is_no_second_speaker(made_up_analyses):
    """"said in a written statement announcing the vote": the statement does not speak,
    and the quotation after it continues the same speaker."""
    quotes = made_up_analyses["statement_announcing"].quotes
    assert {q.speaker for q in quotes} == {"Alma Reyes"}
    assert _find(quotes, "What we take issue with")[0].speaker == "Alma Reyes"
