"""Unit tests of the parts that need no Celery: the workload rule, backlog checks, percentiles.

    /usr/bin/python3 -m unittest discover -s benchmarks/celery-baseline -p 'test_*.py'
"""
import json
import os
import tempfile
import unittest

import orchestrator as o


def deps(backlog):
    return {c['id']: c['dependencies'] for c in backlog['cards']}


class GeneratorTest(unittest.TestCase):

    def test_ids_are_zero_padded_indices(self):
        b = o.generate_backlog(3, 'independent', 50, 10)
        self.assertEqual([c['id'] for c in b['cards']], ['BE-000000', 'BE-000001', 'BE-000002'])
        self.assertEqual(o.card_id(1234567), 'BE-1234567')

    def test_independent_has_no_dependencies(self):
        self.assertTrue(all(d == [] for d in deps(o.generate_backlog(100, 'independent', 50, 10)).values()))

    def test_chains_depend_on_the_previous_card_of_the_chain(self):
        d = deps(o.generate_backlog(7, 'chains', 50, 3))
        self.assertEqual(d, {'BE-000000': [], 'BE-000001': ['BE-000000'], 'BE-000002': ['BE-000001'],
                             'BE-000003': [], 'BE-000004': ['BE-000003'], 'BE-000005': ['BE-000004'],
                             'BE-000006': []})

    def test_layered_rule(self):
        d = deps(o.generate_backlog(10, 'layered', 4, 10))
        self.assertEqual(d['BE-000003'], [])
        self.assertEqual(d['BE-000004'], ['BE-000000'])                 # j=0: same position
        self.assertEqual(d['BE-000005'], ['BE-000001', 'BE-000002'])    # j=1 odd: also j+1
        self.assertEqual(d['BE-000006'], ['BE-000002'])
        self.assertEqual(d['BE-000007'], ['BE-000003', 'BE-000000'])    # j=3 odd: (j+1) mod W wraps
        self.assertEqual(d['BE-000009'], ['BE-000005', 'BE-000006'])    # partial last layer

    def test_layered_width_one_is_a_single_chain(self):
        d = deps(o.generate_backlog(3, 'layered', 1, 10))
        self.assertEqual(d, {'BE-000000': [], 'BE-000001': ['BE-000000'], 'BE-000002': ['BE-000001']})

    def test_reference_sizes(self):
        for shape, n, w, l, edges, dependents in [('layered', 1000, 50, 10, 1425, 950),
                                                  ('chains', 1000, 50, 10, 900, 900),
                                                  ('independent', 200, 50, 10, 0, 0)]:
            b = o.generate_backlog(n, shape, w, l)
            o.check_backlog(b)
            self.assertEqual(sum(len(c['dependencies']) for c in b['cards']), edges, shape)
            self.assertEqual(sum(1 for c in b['cards'] if c['dependencies']), dependents, shape)


class BacklogTest(unittest.TestCase):

    def load(self, backlog):
        with tempfile.NamedTemporaryFile('w', suffix='.json', delete=False) as f:
            json.dump(backlog, f)
        try:
            b = o.load_backlog(f.name)
            o.check_backlog(b)
            return b
        finally:
            os.unlink(f.name)

    def test_refuses_cycles_unknown_and_duplicate_ids(self):
        for cards, message in [([{'id': 'A-1', 'dependencies': ['B-1']}, {'id': 'B-1', 'dependencies': ['A-1']}], 'cycle'),
                               ([{'id': 'A-1', 'dependencies': ['X-9']}], 'unknown'),
                               ([{'id': 'A-1'}, {'id': 'A-1'}], 'duplicate'),
                               ([{'id': 'A-1', 'dependencies': ['A-1']}], 'itself')]:
            with self.assertRaisesRegex(o.BacklogError, message):
                self.load({'cards': cards})

    def test_resets_status_and_skips_history_records(self):
        b = self.load({'project': 'p', 'cards': [
            {'id': 'A-1', 'status': 'APPROVED'},
            {'id': 'A-1-CORR-1', 'type': 'CORRECTION', 'parent_card': 'A-1', 'status': 'TODO'}]})
        self.assertEqual([(c['id'], c['status']) for c in b['cards']], [('A-1', 'TODO')])
        self.assertEqual(b['metadata']['total_cards'], 1)


class PercentileTest(unittest.TestCase):

    def test_nearest_rank(self):
        values = list(range(1, 101))
        self.assertEqual(o.percentile(values, 50), 50)
        self.assertEqual(o.percentile(values, 95), 95)
        self.assertEqual(o.percentile(values, 99), 99)
        self.assertEqual(o.percentile([7], 99), 7)
        self.assertEqual(o.percentile([1, 2, 3], 50), 2)
        self.assertIsNone(o.percentile([], 50))


if __name__ == '__main__':
    unittest.main()
