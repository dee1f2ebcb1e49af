"""activities.data: what the model is taught to generate, counted the way generation must fit it."""

from activities.data import IGNORE, Encoded, longest_answer


def test_longest_answer_counts_completion_tokens_over_all_splits():
    prompt_only = [IGNORE] * 5
    train = [Encoded(list(range(8)), prompt_only + [11, 12, 2]), Encoded(list(range(6)), [IGNORE] * 5 + [2])]
    val = [Encoded(list(range(9)), [IGNORE] * 4 + [11, 12, 13, 14, 2])]
    assert longest_answer(train) == 3
    assert longest_answer(train, val) == 5  # EOS included: generation must reach it to stop on its own
    assert longest_answer() == 0 and longest_answer([]) == 0
