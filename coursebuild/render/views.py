"""What site and print both show, computed once: durations, pass marks and (soon) the quiz view.

Renderers never import each other; what they share lives here.
"""
from __future__ import annotations

import math


def needed_to_pass(total: int, pass_mark: int) -> int:
    return math.ceil(total * pass_mark / 100)


def format_duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} ชั่วโมง {rest} นาที"
    if hours:
        return f"{hours} ชั่วโมง"
    return f"{rest} นาที"
