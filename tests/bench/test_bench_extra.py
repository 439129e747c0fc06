"""The bench rows of issues 3, 5 and 7 on a small scale, inside the test database: the
generated reviews, search words and dialogue room obey the portal's own rules, every new
page answers 200, and a small idea burst against a real gunicorn loses nothing."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest
import redis
from django.contrib.postgres.search import SearchQuery
from django.db import connection

from bench import data, dialog, extra, ideas_burst, reviews, scenarios, search
from bench.database import server_url, with_database
from criteria.models import Decision, Review, ReviewAssignment
from criteria.permissions import conflict_of_interest
from dialogrum.models import Post, Thread
from ideas.models import Idea
from initiatives.models import Initiative, Status
from initiatives.permissions import can_view

SIZE = 1000


def quiet(message: str) -> None:
    pass


@pytest.fixture
def bench_data(db):
    data.reset()
    personas = extra.personas(data.create_organisation())
    data.add_initiatives(1, SIZE, span_of=SIZE, log=quiet)
    for module in extra.MODULES:
        module.add(1, SIZE, personas=personas, log=quiet)
    return personas


def test_the_bench_reviewer_has_one_in_a_hundred_and_every_round_obeys_the_conflict_rules(bench_data):
    reviewed = Initiative.objects.filter(status__in=reviews.REVIEWED).count()
    mine = ReviewAssignment.objects.filter(reviewer=bench_data.reviewer)

    assert mine.count() == reviewed // reviews.MINE_EVERY
    assert abs(mine.count() - SIZE // 100) <= 2
    for assignment in ReviewAssignment.objects.select_related("initiative__owning_unit", "reviewer__unit"):
        assert conflict_of_interest(initiative=assignment.initiative, user=assignment.reviewer) is None
        if assignment.state != ReviewAssignment.State.DECLINED:
            assert can_view(assignment.reviewer, assignment.initiative)
    assert ReviewAssignment.objects.count() == Review.objects.count() == 3 * reviewed


def test_decided_rounds_point_at_their_decision_and_submitted_reviews_score_every_principle(bench_data):
    decided = Initiative.objects.filter(status__in=reviews.DECIDED)

    assert Decision.objects.count() == decided.count()
    assert not ReviewAssignment.objects.filter(initiative__in=decided, decision__isnull=True).exists()
    assert not ReviewAssignment.objects.filter(initiative__status=Status.IN_REVIEW, decision__isnull=False).exists()
    for review in Review.objects.filter(submitted_at__isnull=False).prefetch_related("scores")[:50]:
        assert len(review.scores.all()) == 9
    assert not Review.objects.filter(submitted_at__isnull=True, scores__isnull=False).exists()


def test_the_rare_search_words_are_found_in_another_inflection_and_only_where_they_were_put(bench_data):
    found = 0
    for stored, searched in search.RARE_WORDS:
        hits = Initiative.objects.filter(search_vector=SearchQuery(searched, config="danish"))
        assert set(hits.values_list("pk", flat=True)) == set(
            Initiative.objects.filter(summary__contains=f" {stored}.").values_list("pk", flat=True)
        )
        found += hits.count()
    assert 0 < found < SIZE // 20


def test_adding_the_same_range_again_changes_nothing(bench_data):
    counts = (
        ReviewAssignment.objects.count(),
        Post.objects.count(),
        Initiative.objects.filter(summary__contains=search.MARKER).count(),
    )

    for module in extra.MODULES:
        module.add(1, SIZE, personas=bench_data, log=quiet)

    assert counts == (
        ReviewAssignment.objects.count(),
        Post.objects.count(),
        Initiative.objects.filter(summary__contains=search.MARKER).count(),
    )


def test_the_dialogue_room_holds_5000_posts_and_each_thread_counts_its_own(bench_data):
    threads = Thread.objects.filter(room__title=dialog.ROOM_TITLE)

    assert Post.objects.filter(thread__in=threads).count() == 5000
    for thread in threads:
        assert thread.post_count == thread.posts.count()
        assert thread.posts.filter(is_opening=True).count() == 1


def test_every_new_page_of_the_bench_answers_200(bench_data, settings):
    rng = random.Random(1)
    ctx = scenarios.Context.load(bench_data, rng=rng, page_size=settings.PAGE_SIZE)
    pages = [s for module in extra.MODULES for s in module.SCENARIOS]
    for module in extra.MODULES:
        module.load(ctx, rng=rng)

    for scenario in pages:
        # scenarios.run stops with SystemExit on any answer but 200.
        result = scenarios.run(scenario, ctx, requests=3, warmup=0, seed=1)
        assert result.queries and all(result.queries), scenario.key
    assert len({s.key for s in pages}) == len(pages) >= 10


def test_the_pages_join_the_bench_once_and_only_can_pick_the_burst(monkeypatch):
    monkeypatch.setattr(scenarios, "SCENARIOS", list(scenarios.SCENARIOS))
    before = len(scenarios.SCENARIOS)

    extra.register()
    extra.register()

    assert len(scenarios.SCENARIOS) == before + sum(len(m.SCENARIOS) for m in extra.MODULES)
    assert extra.burst_selected(None)
    assert extra.burst_selected("staff-1,ideas-burst")
    assert not extra.burst_selected("staff-1,search-rare")


def test_the_form_fields_are_read_from_the_page_with_their_escaped_values():
    page = '<input type="hidden" name="csrfmiddlewaretoken" value="a&amp;b"><input name="startet" value="x:1" >'

    assert ideas_burst.form_fields(page) == {"csrfmiddlewaretoken": "a&b", "startet": "x:1"}


def test_a_small_burst_against_gunicorn_stores_every_idea_and_leaves_no_queue(transactional_db, settings):
    database_url = with_database(server_url(), connection.settings_dict["NAME"])

    burst = ideas_burst.run(ideas=24, clients=4, workers=1, database_url=database_url, log=quiet)

    assert burst.statuses == {302: 24}
    assert (burst.stored, burst.lost, burst.server_errors) == (24, 0, 0)
    assert burst.ok and burst.per_second > 0
    assert Idea.objects.filter(title__startswith="Idé ").count() == 24
    client = redis.Redis.from_url(settings.REDIS_URL)
    assert not client.exists(ideas_burst.QUEUE)
    assert "| 24 | 24 | 0 | 0 | 0 |" in ideas_burst.section(burst)


def test_importing_the_portal_reads_no_settings_so_the_bench_can_still_choose_its_database():
    # `python -m bench` imports slagelse_ou (for the embedded server's address) before it sets
    # DATABASE_URL to the bench database; settings read during that import named the
    # development database, which the bench then truncated.
    code = "import sys, slagelse_ou.lib.embedded, bench.database; print('slagelse_ou.settings' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout

    assert out.strip() == "False"
