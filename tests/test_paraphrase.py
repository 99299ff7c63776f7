"""The learned same-meaning judge and the `newsprism pairs` command, on invented sentence pairs."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from newsprism.cli import cli
from newsprism.compare.paraphrase import FEATURE_NAMES, ParaphraseJudge, get_judge, lexical_features, words
from newsprism.errors import ModelError

SAME = ("The harbour master closed the pier because of the storm.",
        "Because of the storm, the pier was closed by the harbour master.")
OTHER = ("The harbour master closed the pier because of the storm.",
         "A bakery in the old town won a prize for its rye bread.")


def test_judge_is_loaded_once_and_scores_are_probabilities():
    judge = get_judge()
    assert get_judge() is judge
    scores = judge.score_pairs([SAME, OTHER])
    assert scores.shape == (2,) and np.all((scores >= 0) & (scores <= 1))
    assert scores[0] > 0.5 > scores[1]


RESTATED = ("make the harbour great again … make the harbour whole",
            "make the harbour great again. The harbour never stopped being great. We have to make the harbour whole")
LETTERS = ("a b c d e f g h i j k l m n o p q r s t u v w x y z " * 3, "short one")


def test_batched_scores_equal_single_scores():
    # A pair's score must not depend on the pairs judged with it, or one pair could get two verdicts in two runs
    # (in bfloat16 a long pair in the batch moved RESTATED's score by 8e-4).
    judge = get_judge()
    pairs = [SAME, OTHER, RESTATED, LETTERS]
    single = np.array([judge.score_pairs([p])[0] for p in pairs])
    assert np.allclose(judge.score_pairs(pairs), single, atol=1e-5)
    assert np.allclose(judge.score_pairs([RESTATED] * 40 + [LETTERS])[[0, -1]], single[[2, 3]], atol=1e-5)
    assert judge.score_pairs([]).shape == (0,)


def test_lexical_features_see_overlap_and_number_mismatch():
    same = dict(zip(FEATURE_NAMES[3:], lexical_features("Nine ships sailed.", "Nine ships sailed."), strict=True))
    diff = dict(zip(FEATURE_NAMES[3:], lexical_features("Nine ships sailed in 2019.", "Nine ships sailed in 2021."),
                    strict=True))
    assert same["uni_a"] == same["uni_b"] == 1.0 and same["num_any_mismatch"] == 0.0
    assert diff["num_any_mismatch"] == 1.0 and diff["num_only_a"] == 1.0 and diff["uni_a"] < 1.0


def test_words_join_pre_split_contractions_and_drop_quote_markers():
    assert words("He did n't say <QUOTE> yes <QUOTE> .") == words("He didn't say yes.")


def test_missing_artifact_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="train_paraphrase"):
        ParaphraseJudge.load(tmp_path)


def _run(tmp_path, content: bytes, *args: str):
    path = tmp_path / "pairs.tsv"
    path.write_bytes(content)
    return CliRunner().invoke(cli, ["pairs", str(path), *args], catch_exceptions=False)


def test_pairs_command_reads_bom_quotes_and_reports_a_bad_row(tmp_path):
    rows = [
        "label\tleft\tright",
        'x\tThe ferry will sail at noon.\tThe ferry will not sail at noon.',
        "y\tonly two fields",
        'z\tShe called it "a fine day" again.\tShe called it "a fine day" again!',
        "w\tThe council praised the volunteers.\tThe volunteers were praised by the council.",
        "v\tThe council praised the volunteers.\tA comet will pass close to the moon in August.",
    ]
    result = _run(tmp_path, b"\xef\xbb\xbf" + "\n".join(rows).encode() + b"\n")
    assert result.exit_code == 0
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [x["verdict"] for x in lines] == ["altered", "verbatim", "variant", "altered"]
    assert [x["same_meaning"] for x in lines] == [True, True, True, False]
    assert all(set(x) == {"line", "verdict", "same_meaning", "score"} for x in lines)
    assert [x["line"] for x in lines] == [2, 4, 5, 6]
    assert "line 3" in result.stderr and "2 fields" in result.stderr


def test_pairs_command_skips_only_the_row_with_a_bad_byte(tmp_path):
    good = b"The dam held.\tThe dam held!\n"
    rows = [good] * 299
    rows[249] = "The dam \xff held.\tThe dam held!\n".encode("latin-1")
    result = _run(tmp_path, b"left\tright\r\n" + b"".join(rows))
    assert result.exit_code == 0
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(lines) == 298 and 251 not in {x["line"] for x in lines}
    assert "line 251" in result.stderr and "not UTF-8" in result.stderr


def test_pairs_command_picks_named_columns(tmp_path):
    content = b"first\tsecond\tnote\nThe dam held.\tThe dam held!\tignored text here\n"
    result = _run(tmp_path, content, "--a", "first", "--b", "second")
    assert json.loads(result.stdout)["verdict"] == "verbatim"
    bad = CliRunner().invoke(cli, ["pairs", str(tmp_path / "pairs.tsv"), "--a", "nope"])
    assert bad.exit_code != 0 and "nope" in str(bad.exception)
