"""Named recipes and user recipe files."""

from __future__ import annotations

import pytest

from emaudit.errors import UserError
from emaudit.finetune.recipes import list_recipes, load_recipe


def test_paper_recipe_matches_the_published_settings():
    r = load_recipe("paper-lora")
    assert (r.r, r.alpha, r.rslora, r.dropout, r.lr, r.epochs) == (32, 64, True, 0.0, 1e-5, 1)
    assert set(r.target_modules) == {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}
    assert r.effective_batch == 16 and r.schedule == "linear" and r.warmup_steps == 5 and r.weight_decay == 0.01


def test_rank1_and_cpu_small():
    r1 = load_recipe("rank1-organism")
    assert (r1.r, r1.alpha, r1.lr, r1.target_modules, r1.layers) == (1, 256, 2e-5, ("down_proj",), "middle")
    cs = load_recipe("cpu-small")
    assert cs.max_seq_len == 256 and cs.dtype == "auto" and set(cs.target_modules) == {"q_proj", "v_proj"}
    assert {n for n, _ in list_recipes()} >= {"paper-lora", "rank1-organism", "cpu-small"}


def test_unknown_key_names_file_line_and_field(tmp_path):
    p = tmp_path / "mine.yaml"
    p.write_text("r: 4\nalpha: 8\nlearning_rate: 0.1\n")
    with pytest.raises(UserError) as e:
        load_recipe(str(p))
    assert (e.value.path, e.value.line, e.value.field) == (str(p), 3, "learning_rate")


def test_wrong_type_and_bad_value(tmp_path):
    p = tmp_path / "t.yaml"
    p.write_text("r: four\n")
    with pytest.raises(UserError, match="r: expected int"):
        load_recipe(str(p))
    p.write_text("schedule: exponential\n")
    with pytest.raises(UserError, match="schedule"):
        load_recipe(str(p))


def test_unknown_recipe_name_lists_the_built_in_ones():
    with pytest.raises(UserError, match="paper-lora"):
        load_recipe("no-such-recipe")
