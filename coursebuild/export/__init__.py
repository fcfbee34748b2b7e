"""Quiz export for other learning platforms: Moodle XML, GIFT and Open edX OLX.

`view.py` turns each quiz into one export view (HTML texts, credits, embedded images) that all
three writers read, so the formats cannot drift apart; `command.py` renders everything in memory
and only then replaces dist/export/<format>/.
"""
