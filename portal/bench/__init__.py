"""``manage.py benchmark_register``: the case register at scale (issue 15, item 4).

``generate`` fills a throwaway database with a register (cases of every kind,
their logbook, evidence rows, a user per role); ``measure`` times the register's
pages and exports per role with the test client. The query-count tests
(``tests/cases/test_register_at_scale.py``) use the same two modules on small
registers.
"""
