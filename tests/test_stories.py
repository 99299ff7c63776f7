"""Online story clustering on hand-written articles: similar events stay apart, late arrivals join."""

from __future__ import annotations

from datetime import UTC, datetime

from newsprism.cluster.stories import StoryClusterer, salient_keys
from newsprism.models import Article


def article(article_id: str, day: int, title: str, text: str) -> Article:
    return Article(id=article_id, text=text, title=title, outlet=article_id.split("-")[0],
                   published=datetime(2031, 3, day, 9, tzinfo=UTC))


QUAKE_NORTH = [
    article("north-1", 3, "Strong quake shakes Varnholt",
            "A magnitude 6.4 earthquake struck near Varnholt on Monday, toppling the clock tower of the old "
            "market hall. Mayor Ilse Brandvik said 14 people were injured and two bridges over the Kessel river "
            "were closed. The Varnholt seismology office recorded eleven aftershocks before noon."),
    article("north-2", 3, "Varnholt counts damage after 6.4 tremor",
            "Rescue teams in Varnholt searched collapsed barns after the magnitude 6.4 earthquake on Monday. "
            "Mayor Ilse Brandvik told reporters that 14 residents were hurt and the Kessel river bridges stay shut. "
            "Engineers will inspect the market hall, whose clock tower fell during the shaking."),
]
QUAKE_SOUTH = [
    article("south-1", 4, "Earthquake hits Selbrook coast",
            "A magnitude 5.1 earthquake hit the Selbrook coast on Tuesday, cracking the harbour wall and cutting "
            "power to 3,000 homes. Governor Tomas Quell said nobody was seriously injured. The Selbrook "
            "observatory said the quake was centred 20 kilometres offshore."),
    article("south-2", 4, "Selbrook harbour wall cracked by 5.1 quake",
            "The 5.1 magnitude earthquake that shook Selbrook on Tuesday left a long crack in the harbour wall. "
            "Governor Tomas Quell said power was back for most of the 3,000 homes by evening. The observatory "
            "placed the epicentre 20 kilometres offshore."),
]
LATE_NORTH = article(
    "north-late", 3, "Varnholt clock tower falls in earthquake",
    "The clock tower of the Varnholt market hall fell when a 6.4 magnitude earthquake hit on Monday. Mayor Ilse "
    "Brandvik said 14 people were taken to hospital and the Kessel river bridges were closed for checks.",
)
UNRELATED = article(
    "other-1", 4, "Library reopens after renovation",
    "The city library of Marrowfield reopened on Tuesday after a two-year renovation paid for by local donors. "
    "Head librarian Oona Petrakis said the reading room now has twice as many seats and a children's corner.",
)


def stories_of(clusterer: StoryClusterer) -> set[frozenset[str]]:
    return {frozenset(ids) for ids in clusterer.stories().values()}


def test_similar_events_stay_apart_and_same_event_joins(settings):
    clusterer = StoryClusterer(settings.cluster)
    clusterer.add_articles(QUAKE_NORTH + QUAKE_SOUTH + [UNRELATED])
    assert stories_of(clusterer) == {
        frozenset({"north-1", "north-2"}), frozenset({"south-1", "south-2"}), frozenset({"other-1"})
    }


def test_late_article_joins_the_right_story(settings):
    clusterer = StoryClusterer(settings.cluster)
    clusterer.add_articles(QUAKE_NORTH + QUAKE_SOUTH)
    clusterer.add_articles([LATE_NORTH])
    assert clusterer.story("north-late") == clusterer.story("north-1")
    assert clusterer.story("north-late") != clusterer.story("south-1")


def test_window_keeps_far_apart_articles_in_separate_stories(settings):
    clusterer = StoryClusterer(settings.cluster)
    later = article("north-9", 28, QUAKE_NORTH[1].title, QUAKE_NORTH[1].text)
    clusterer.add_articles([QUAKE_NORTH[0], later])
    assert clusterer.story("north-1") != clusterer.story("north-9")


def test_restored_clusterer_assigns_like_the_original(settings):
    first = StoryClusterer(settings.cluster)
    first.add_articles(QUAKE_NORTH + QUAKE_SOUTH)
    second = StoryClusterer(settings.cluster)
    second.tfidf.load(first.tfidf.state())
    second.restore([(a, first.story(a.id)) for a in QUAKE_NORTH + QUAKE_SOUTH])
    second.add_articles([LATE_NORTH])
    assert second.story("north-late") == first.story("north-1")


def test_salient_keys_take_names_and_numbers_not_sentence_openers():
    keys = salient_keys("The mayor met Ilse Brandvik in Varnholt. Later 14 people left.")
    assert {"ilse", "brandvik", "varnholt", "#14"} <= keys
    assert "later" not in keys and "the" not in keys
