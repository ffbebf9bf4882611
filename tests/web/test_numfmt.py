from hai.tickets.queries import Count
from hai.web.numfmt import format_number


def test_numbers_in_indonesian_with_capped_counts():
    assert format_number(1234567) == "1.234.567"
    assert format_number(Count(100, capped=True)) == "100+"
    assert format_number(Count(7, capped=False)) == "7"
    assert format_number(None) == "—"
