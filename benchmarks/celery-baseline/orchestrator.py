#!/usr/bin/env python3
"""The seed's MetaOrchestrator (Fase 1), driving a backlog through real Celery workers, measured.

Run through run_baseline.sh, which installs what is needed, starts the workers and stops them again;
``orchestrator.py --help`` lists the options. ``--emit-backlog FILE`` only writes the generated
workload (seed ``backlog_master.json`` format) and exits, without Celery.

Output: progress and notes on stderr (lines starting with '#'); one final line on stdout:
  RESULT bench=celery variant=... shape=... cards=N concurrency=C cards_per_s=X dispatch_p50_ms=...
and, with --json FILE, the same figures as one JSON object.

Exit codes: 0 done; 1 the run failed (timeout, task failure, workers missing); 2 bad arguments or
a bad backlog file.
"""
import argparse
import json
import logging
import math
import os
import resource
import sys
import tempfile
import time
from collections import deque
from datetime import datetime, timezone
from pathlib import Path

logger = logging.getLogger('orchestrator')

SHAPES = ('independent', 'chains', 'layered')
ID_PREFIX = 'BE'


class BenchError(Exception):
    """The run cannot go on; the message says why."""


class BacklogError(Exception):
    """The backlog is not usable; the message says why."""


def note(msg):
    print(f'# {msg}', file=sys.stderr, flush=True)


def utcnow():
    return datetime.now(timezone.utc).isoformat()


# ---------------------------------------------------------------------------------------------
# Workload: generator (the rule is written down in README.md, "Workloads") and loader
# ---------------------------------------------------------------------------------------------

def card_id(i):
    return f'{ID_PREFIX}-{i:06d}'


def dependencies_of(i, shape, width, chain_length):
    """Indices of the cards that card i (0-based) depends on."""
    if shape == 'independent':
        return []
    if shape == 'chains':
        return [] if i % chain_length == 0 else [i - 1]
    if shape == 'layered':
        layer, j = divmod(i, width)
        if layer == 0:
            return []
        start = (layer - 1) * width           # the previous layer is always full
        deps = [start + j]
        if j % 2 == 1 and width > 1:
            deps.append(start + (j + 1) % width)
        return deps
    raise ValueError(shape)


def generate_backlog(n, shape, width, chain_length):
    cards = []
    for i in range(n):
        cards.append({
            'id': card_id(i),
            'type': 'FEATURE',
            'title': f'Synthetic card {i}',
            'description': '',
            'priority': 'MEDIUM',
            'status': 'TODO',
            'dependencies': [card_id(d) for d in dependencies_of(i, shape, width, chain_length)],
        })
    metadata = {'total_cards': n, 'phase': 'benchmark', 'last_updated': utcnow(),
                'generator': {'shape': shape, 'cards': n}}
    if shape == 'layered':
        metadata['generator']['width'] = width
    if shape == 'chains':
        metadata['generator']['chain_length'] = chain_length
    return {'project': f'celery-baseline {shape} {n}', 'cards': cards, 'metadata': metadata}


def load_backlog(path):
    try:
        with open(path, encoding='utf-8') as f:
            backlog = json.load(f)
    except OSError as e:
        raise BacklogError(f'cannot read backlog {path}: {e.strerror}')
    except ValueError as e:
        raise BacklogError(f'backlog {path} is not valid JSON: {e}')
    if not isinstance(backlog, dict) or not isinstance(backlog.get('cards'), list):
        raise BacklogError(f'backlog {path} must be an object with a "cards" array')
    cards = []
    for k, card in enumerate(backlog['cards']):
        if not isinstance(card, dict) or not isinstance(card.get('id'), str) or not card['id']:
            raise BacklogError(f'backlog {path}: cards[{k}] has no string "id"')
        # correction and escalation records are history, not work (as in Orquestra's loader)
        if 'parent_card' in card and str(card.get('type', '')).upper() in ('CORRECTION', 'ESCALATION'):
            continue
        deps = card.get('dependencies', [])
        if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
            raise BacklogError(f'backlog {path}: card {card["id"]}: "dependencies" must be a list of ids')
        card = dict(card)
        card['status'] = 'TODO'    # every card is run, whatever state the file recorded
        cards.append(card)
    backlog = dict(backlog)
    backlog['cards'] = cards
    backlog.setdefault('project', Path(path).stem)
    if not isinstance(backlog.get('metadata'), dict):
        backlog['metadata'] = {}
    backlog['metadata'] = dict(backlog['metadata'], total_cards=len(cards))
    return backlog


def check_backlog(backlog):
    """Duplicate ids, unknown or self dependencies and cycles would make the seed loop forever."""
    ids = {}
    for card in backlog['cards']:
        if card['id'] in ids:
            raise BacklogError(f'duplicate card id {card["id"]}')
        ids[card['id']] = card
    if not ids:
        raise BacklogError('the backlog has no cards')
    indegree = {cid: 0 for cid in ids}
    dependents = {cid: [] for cid in ids}
    for card in backlog['cards']:
        for d in card.get('dependencies', []):
            if d not in ids:
                raise BacklogError(f'card {card["id"]} depends on unknown card {d}')
            if d == card['id']:
                raise BacklogError(f'card {d} depends on itself')
        for d in set(card.get('dependencies', [])):
            indegree[card['id']] += 1
            dependents[d].append(card['id'])
    queue = deque(c for c, n in indegree.items() if n == 0)
    seen = 0
    while queue:
        c = queue.popleft()
        seen += 1
        for x in dependents[c]:
            indegree[x] -= 1
            if indegree[x] == 0:
                queue.append(x)
    if seen != len(ids):
        raise BacklogError(f'the dependency graph has a cycle ({len(ids) - seen} cards on or behind it)')


# ---------------------------------------------------------------------------------------------
# Measurements: CPU and memory of process trees, percentiles
# ---------------------------------------------------------------------------------------------

CLK_TCK = os.sysconf('SC_CLK_TCK')


def process_tree(root):
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        if not os.path.exists(f'/proc/{pid}'):
            continue
        pids.append(pid)
        try:
            for tid in os.listdir(f'/proc/{pid}/task'):
                with open(f'/proc/{pid}/task/{tid}/children') as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return pids


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            with open(f'/proc/{pid}/stat') as f:
                fields = f.read().rsplit(')', 1)[1].split()
            total += int(fields[11]) + int(fields[12])   # utime, stime (fields 14, 15)
        except (OSError, IndexError, ValueError):
            pass
    return total / CLK_TCK


def peak_rss_mb(pids):
    total = 0
    for pid in pids:
        try:
            with open(f'/proc/{pid}/status') as f:
                for line in f:
                    if line.startswith('VmHWM:'):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024.0


def percentile(sorted_values, p):
    """Nearest rank: the smallest value with at least p% of the values at or below it."""
    if not sorted_values:
        return None
    k = max(1, math.ceil(p / 100.0 * len(sorted_values)))
    return sorted_values[k - 1]


class Recorder:
    """What the figures are computed from; times are time.time() on this machine."""

    def __init__(self, timeline=False):
        if not timeline:
            self.event = lambda *args, **kwargs: None
        self.first_submit = None
        self.approved_at = {}      # card id -> when the orchestrator observed its approval
        self.submitted_at = {}     # card id -> when its owner task (seed) or chain (tuned) was sent
        self.owner_started = {}    # card id -> when its owner task started on a worker
        self.events = []           # (time, card id, what) for --timeline

    def event(self, card_id, what, at=None):
        self.events.append((time.time() if at is None else at, card_id, what))

    def submitted(self):
        if self.first_submit is None:
            self.first_submit = time.time()


# ---------------------------------------------------------------------------------------------
# The seed's MetaOrchestrator (Fase 1), kept as written except where README.md says otherwise
# ---------------------------------------------------------------------------------------------

VALID_TRANSITIONS = {
    "TODO": ["IN_PROGRESS"],
    "IN_PROGRESS": ["VALIDATING", "FAILED"],
    "VALIDATING": ["APPROVED", "REJECTED", "CORRECTING"],
    "CORRECTING": ["IN_PROGRESS"],
    "REJECTED": ["CORRECTING", "ESCALATED"],
    "APPROVED": ["DONE"],
    "ESCALATED": ["AWAITING_HUMAN"],
    "AWAITING_HUMAN": ["APPROVED", "REJECTED"],
}


class MetaOrchestrator:
    """The seed's orchestrator: polls ``AsyncResult.ready()`` of every active task every POLL_INTERVAL."""

    MAX_ATTEMPTS = 3
    CHECKPOINT_INTERVAL = 10  # Save backlog every 10 cards

    def __init__(self, backlog, state_dir, tasks, poll_s, checkpoint_every, recorder):
        self.backlog = backlog
        self.state_dir = Path(state_dir)
        self.backlog_path = self.state_dir / 'backlog_master.json'   # a copy; the input is never written
        self.tasks = tasks
        self.POLL_INTERVAL = poll_s
        self.CHECKPOINT_INTERVAL = checkpoint_every
        self.rec = recorder
        self.dependency_graph = self.build_dependency_graph()
        self.active_tasks = {}
        self.completed_cards = set()
        self.failed_cards = set()
        self.escalated_cards = set()
        self.cards_processed = 0
        self.submitted_tasks = 0
        self.worker_pids = []
        self._alive_checked = time.time()

    def check_workers(self):
        """Once a second: a dead worker would otherwise leave the run waiting until --timeout-s."""
        now = time.time()
        if self.worker_pids and now - self._alive_checked > 1.0:
            self._alive_checked = now
            if not os.path.exists(f'/proc/{self.worker_pids[0]}'):
                raise BenchError(f'the Celery worker (pid {self.worker_pids[0]}) died during the run')

    # --- as in the seed ---
    def save_backlog(self):
        self.backlog['metadata']['last_updated'] = utcnow()
        with open(self.backlog_path, 'w') as f:
            json.dump(self.backlog, f, indent=2)
        logger.info(f"Checkpoint saved: {self.backlog_path}")

    def build_dependency_graph(self):
        graph = {}
        for card in self.backlog['cards']:
            graph[card['id']] = card.get('dependencies', [])
        return graph

    def get_card(self, card_id):
        return next((c for c in self.backlog['cards'] if c['id'] == card_id), None)

    def transition_state(self, card_id, new_status, card=None):
        card = card or self.get_card(card_id)
        if not card:
            logger.error(f"Card {card_id} not found")
            return
        old_status = card['status']
        if new_status not in VALID_TRANSITIONS.get(old_status, []):
            logger.warning(f"Invalid transition for {card_id}: {old_status} → {new_status}")
        card['status'] = new_status
        logger.info(f"Card {card_id}: {old_status} → {new_status}")

    def get_ready_cards(self):
        ready = []
        for card in self.backlog['cards']:
            if card['status'] != 'TODO':
                continue
            deps = self.dependency_graph.get(card['id'], [])
            if all(dep in self.completed_cards for dep in deps):
                ready.append(card)
        return ready

    def get_priority(self, card):
        priority_map = {"CRITICAL": 10, "HIGH": 7, "MEDIUM": 5, "LOW": 3}
        return priority_map.get(card.get('priority', 'MEDIUM'), 5)

    def enqueue_card(self, card):
        card_id = card['id']
        card_type = card_id.split('-')[0]  # "PROD-001" → "PROD"
        self.transition_state(card_id, 'IN_PROGRESS')
        card['started_at'] = utcnow()
        self.rec.submitted()
        self.rec.submitted_at[card_id] = time.time()
        self.rec.event(card_id, 'owner_submit')
        task = self.tasks.execute_owner_task.apply_async(
            args=[card_id, card_type, card],
            queue='squadOS.owners',
            priority=self.get_priority(card),
        )
        self.submitted_tasks += 1
        self.active_tasks[card_id] = task
        card['task_id'] = task.id

    def monitor_tasks(self):
        for key, task in list(self.active_tasks.items()):
            if task.ready():
                # The seed's monitor_tasks hands every finished task to handle_owner_success;
                # the stage is told by the key, as the seed's keys intend (README: deviations).
                card_id, _, stage = key.partition(':')
                if not task.successful():
                    self.handle_failure(card_id, stage or 'owner', task.info)
                elif stage == '':
                    self.handle_owner_success(card_id, task.result)
                elif stage == 'verification':
                    del self.active_tasks[key]
                    self.handle_verification_result(card_id, task.result)
                elif stage == 'llm_judge':
                    del self.active_tasks[key]
                    self.handle_validation_complete(card_id, task.result)

    def handle_owner_success(self, card_id, result):
        card = self.get_card(card_id)
        card['artifacts'] = result['artifacts']
        card['elapsed_time'] = result.get('elapsed_time', 0)
        self.rec.owner_started[card_id] = result['started_at']
        self.rec.event(card_id, 'owner_start', result['started_at'])
        self.rec.event(card_id, 'owner_observed')
        if result.get('cost'):
            card.setdefault('cost_tracking', {})
            card['cost_tracking']['total_tokens'] = card['cost_tracking'].get('total_tokens', 0) + result['cost']['total_tokens']
            card['cost_tracking']['total_cost_usd'] = card['cost_tracking'].get('total_cost_usd', 0) + result['cost']['cost_usd']
        del self.active_tasks[card_id]
        self.transition_state(card_id, 'VALIDATING')
        self.enqueue_validation_pipeline(card_id, result['artifacts'])

    def enqueue_validation_pipeline(self, card_id, artifacts):
        self.rec.event(card_id, 'verification_submit')
        verification_task = self.tasks.execute_verification.apply_async(
            args=[card_id, artifacts],
            queue='squadOS.validation',
        )
        self.submitted_tasks += 1
        self.active_tasks[f"{card_id}:verification"] = verification_task

    def handle_verification_result(self, card_id, result):
        self.rec.event(card_id, 'verification_start', result.get('started_at'))
        self.rec.event(card_id, 'verification_observed')
        card = self.get_card(card_id)
        card.setdefault('validation_history', []).append({
            'attempt': card.get('attempt', 1),
            'validator': 'verification_agent',
            'result': result['result'],
            'reasons': result.get('reasons', []),
            'timestamp': utcnow(),
        })
        if result['result'] == 'FAILED':
            self.create_correction_card(card_id, result)
        else:
            # Verification PASSED → LLM-Judge (the seed also starts QA in parallel: not modelled)
            self.rec.event(card_id, 'judge_submit')
            judge_task = self.tasks.execute_llm_judge.apply_async(
                args=[card_id, card['artifacts']],
                queue='squadOS.validation',
            )
            self.submitted_tasks += 1
            self.active_tasks[f"{card_id}:llm_judge"] = judge_task

    def handle_validation_complete(self, card_id, judge_result):
        self.rec.event(card_id, 'judge_start', judge_result.get('started_at'))
        card = self.get_card(card_id)
        card['validation_history'].append({
            'attempt': card.get('attempt', 1),
            'validator': 'llm_judge',
            'result': judge_result['result'],
            'score': judge_result.get('score'),
            'reasons': judge_result.get('reasons', []),
            'timestamp': utcnow(),
        })
        if judge_result['result'] == 'PASSED':
            self.handle_approval(card_id)
        else:
            self.create_correction_card(card_id, judge_result)

    def handle_approval(self, card_id):
        self.rec.approved_at[card_id] = time.time()
        self.rec.event(card_id, 'approved', self.rec.approved_at[card_id])
        card = self.get_card(card_id)
        self.transition_state(card_id, 'APPROVED')
        card['completed_at'] = utcnow()
        self.completed_cards.add(card_id)
        self.cards_processed += 1
        self.emit_event('card.approved', {'card_id': card_id})
        if self.CHECKPOINT_INTERVAL and self.cards_processed % self.CHECKPOINT_INTERVAL == 0:
            self.save_backlog()
        self.enqueue_dependents(card_id)

    def create_correction_card(self, card_id, validation_result):
        # The correction loop is not part of the benchmark: no-op tasks always pass.
        raise BenchError(f'card {card_id} was rejected ({validation_result.get("reasons")}); '
                         'the baseline does not model the correction loop')

    def handle_failure(self, card_id, stage, error):
        raise BenchError(f'card {card_id}: {stage} task failed: {error!r}')

    def enqueue_dependents(self, card_id):
        dependents = [
            c for c in self.backlog['cards']
            if card_id in c.get('dependencies', []) and c['status'] == 'TODO'
        ]
        for dep_card in dependents:
            deps = dep_card.get('dependencies', [])
            if all(d in self.completed_cards for d in deps):
                self.enqueue_card(dep_card)

    def emit_event(self, event_type, data):
        logger.info(f"Event: {event_type} - {data}")

    def is_complete(self):
        total = len(self.backlog['cards'])
        done = len(self.completed_cards) + len(self.escalated_cards)
        return done >= total

    def run(self, deadline):
        for card in self.get_ready_cards():
            self.enqueue_card(card)
        while True:
            self.monitor_tasks()
            for card in self.get_ready_cards():
                self.enqueue_card(card)
            if self.is_complete():
                break
            if time.time() > deadline:
                raise BenchError(f'timeout: {len(self.completed_cards)} of {len(self.backlog["cards"])} cards approved')
            self.check_workers()
            time.sleep(self.POLL_INTERVAL)

    def final_checkpoint(self):
        # the seed's run() ends with save_backlog(); here it runs after the measured window
        if self.CHECKPOINT_INTERVAL:
            self.save_backlog()


# ---------------------------------------------------------------------------------------------
# The tuned orchestrator: same state machine, indexed data, one Celery chain per card
# ---------------------------------------------------------------------------------------------

class TunedOrchestrator(MetaOrchestrator):
    """Per card one chain owner -> verification -> judge (the pipeline advances worker-side);
    the orchestrator tracks only the judge result, by Redis pub/sub (``AsyncResult.then`` +
    the backend's result consumer) or, with tracking=poll, by polling ``ready()``."""

    def __init__(self, backlog, state_dir, tasks, poll_s, checkpoint_every, recorder, tracking, task_ms=0.0):
        super().__init__(backlog, state_dir, tasks, poll_s, checkpoint_every, recorder)
        self.tracking = tracking
        self.by_id = {c['id']: c for c in backlog['cards']}
        self.dependents = {cid: [] for cid in self.by_id}
        self.remaining = {}
        for c in backlog['cards']:
            deps = set(c.get('dependencies', []))
            self.remaining[c['id']] = len(deps)
            for d in deps:
                self.dependents[d].append(c['id'])
        self.pending = {}       # judge task id -> (card id, AsyncResult)
        self.errors = []
        self.last_progress = time.time()
        self.safety_net_hits = 0
        self.stall_s = max(1.0, 10 * 3 * task_ms / 1000.0)   # no approval for this long: look results up
        from celery import chain
        self._chain = chain

    def get_card(self, card_id):
        return self.by_id.get(card_id)

    def get_priority(self, card):
        # kombu's Redis transport serves priority 0 first (steps 0, 3, 6, 9): map the seed's
        # intent (CRITICAL most urgent) onto that order.
        return {"CRITICAL": 0, "HIGH": 3, "MEDIUM": 6, "LOW": 9}.get(card.get('priority', 'MEDIUM'), 6)

    def enqueue_card(self, card):
        t = self.tasks
        card_id = card['id']
        card_type = card_id.split('-')[0]
        self.transition_state(card_id, 'IN_PROGRESS', card)
        card['started_at'] = utcnow()
        self.rec.submitted()
        self.rec.submitted_at[card_id] = time.time()
        self.rec.event(card_id, 'owner_submit')
        result = self._chain(
            t.execute_owner_task.s(card_id, card_type, card).set(ignore_result=True, queue='squadOS.owners'),
            t.execute_verification.s().set(ignore_result=True, queue='squadOS.validation'),
            t.execute_llm_judge.s().set(queue='squadOS.validation'),
        ).apply_async(priority=self.get_priority(card))
        # `result` is the judge's AsyncResult. Subscribing must use this very object: Celery 5.2's
        # AsyncResult.__del__ drops the pending registration (and the pub/sub subscription) of
        # any other AsyncResult with the same id, and the chain creates and drops such copies.
        # (Subscribing after sending leaves a theoretical race, covered by the safety net in run.)
        self.pending[result.id] = (card_id, result)
        if self.tracking == 'pubsub':
            result.then(self._on_judge_ready)
        self.submitted_tasks += 3
        card['task_id'] = result.id

    def _on_judge_ready(self, result):
        try:
            self._judge_done(result)
        except Exception as e:   # a callback's exception would be lost inside the promise
            self.errors.append(e)

    def _judge_done(self, result):
        entry = self.pending.pop(result.id, None)
        if entry is None:
            return
        card_id = entry[0]
        if not result.successful():
            raise BenchError(f'card {card_id}: chain failed: {result.info!r}')
        judge = result.result
        self.rec.owner_started[card_id] = judge['owner_started_at']
        self.rec.event(card_id, 'owner_start', judge['owner_started_at'])
        card = self.by_id[card_id]
        self.transition_state(card_id, 'VALIDATING', card)
        self.handle_validation_complete(card_id, judge)
        self.last_progress = time.time()

    def handle_validation_complete(self, card_id, judge_result):
        self.rec.event(card_id, 'judge_start', judge_result.get('started_at'))
        card = self.by_id[card_id]
        card.setdefault('validation_history', []).append({
            'attempt': card.get('attempt', 1), 'validator': 'llm_judge',
            'result': judge_result['result'], 'score': judge_result.get('score'),
            'reasons': judge_result.get('reasons', []), 'timestamp': utcnow(),
        })
        if judge_result['result'] == 'PASSED':
            self.handle_approval(card_id)
        else:
            self.create_correction_card(card_id, judge_result)

    def handle_approval(self, card_id):
        self.rec.approved_at[card_id] = time.time()
        self.rec.event(card_id, 'approved', self.rec.approved_at[card_id])
        card = self.by_id[card_id]
        self.transition_state(card_id, 'APPROVED', card)
        card['completed_at'] = utcnow()
        self.completed_cards.add(card_id)
        self.cards_processed += 1
        if self.CHECKPOINT_INTERVAL and self.cards_processed % self.CHECKPOINT_INTERVAL == 0:
            self.save_backlog()
        for d in self.dependents[card_id]:
            self.remaining[d] -= 1
            if self.remaining[d] == 0:
                self.enqueue_card(self.by_id[d])

    def is_complete(self):
        return len(self.completed_cards) >= len(self.by_id)

    def run(self, deadline):
        for card in self.backlog['cards']:
            if self.remaining[card['id']] == 0:
                self.enqueue_card(card)
        consumer = self.tasks.celery_app.backend.result_consumer
        self.last_progress = time.time()
        while not self.is_complete():
            if self.errors:
                raise self.errors[0]
            if time.time() > deadline:
                raise BenchError(f'timeout: {len(self.completed_cards)} of {len(self.by_id)} cards approved')
            self.check_workers()
            if self.tracking == 'pubsub':
                consumer.drain_events(timeout=0.1)
                if time.time() - self.last_progress > self.stall_s:
                    # safety net (a result published before its subscription): look results up
                    self.safety_net_hits += 1
                    for _, result in list(self.pending.values()):
                        result.ready()
                    self.last_progress = time.time()
            else:
                for judge_id, (_, result) in list(self.pending.items()):
                    if result.ready():
                        self._judge_done(result)
                if not self.is_complete() and self.POLL_INTERVAL > 0:
                    time.sleep(self.POLL_INTERVAL)
        if self.errors:
            raise self.errors[0]


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

def positive_int(text):
    try:
        v = int(text.replace('_', ''))
    except ValueError:
        raise argparse.ArgumentTypeError(f'must be a positive integer, was {text!r}')
    if v <= 0:
        raise argparse.ArgumentTypeError(f'must be a positive integer, was {text!r}')
    return v


def non_negative_float(text):
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'must be a number, was {text!r}')
    if v < 0 or math.isnan(v):
        raise argparse.ArgumentTypeError(f'must be >= 0, was {text!r}')
    return v


def parse_args(argv):
    p = argparse.ArgumentParser(prog='run_baseline.sh',
                                description='Celery/Redis baseline of the seed design (see README.md).')
    p.add_argument('--variant', choices=('seed', 'tuned'), default='seed')
    p.add_argument('--cards', type=positive_int, default=200, help='number of generated cards (default 200)')
    p.add_argument('--shape', choices=SHAPES, default='independent')
    p.add_argument('--width', type=positive_int, default=50, help='layer width for --shape layered (default 50)')
    p.add_argument('--chain-length', type=positive_int, default=10, help='chain length for --shape chains (default 10)')
    p.add_argument('--backlog', metavar='FILE', help='run this seed-format backlog instead of a generated one')
    p.add_argument('--concurrency', type=positive_int, default=5, help='worker processes (default 5, the seed\'s)')
    p.add_argument('--poll-ms', type=non_negative_float, default=None,
                   help='orchestrator poll interval (seed variant default 20; the seed itself uses 5000; tuned with --tracking poll: 5)')
    p.add_argument('--tracking', choices=('poll', 'pubsub'), default=None,
                   help='how completion is observed (seed: poll, the only choice; tuned: pubsub by default)')
    p.add_argument('--task-ms', type=non_negative_float, default=0.0, help='fixed latency of every task (default 0)')
    p.add_argument('--checkpoint-every', type=int, default=None,
                   help='save the backlog every K approvals (seed default 10 as the seed; tuned default 0 = off)')
    p.add_argument('--warmup', type=int, default=None, help='no-op tasks run before measuring (default 4 x concurrency)')
    p.add_argument('--timeout-s', type=non_negative_float, default=900.0, help='give up after this long (default 900)')
    p.add_argument('--json', metavar='FILE', help='also write the figures as one JSON object')
    p.add_argument('--emit-backlog', metavar='FILE', help='write the generated backlog and exit (no Celery needed)')
    p.add_argument('--keep-logs', action='store_true', help='keep the worker log directory (run_baseline.sh)')
    p.add_argument('--timeline', metavar='FILE', help='write every card event (submit, start, observed) as JSON lines')
    p.add_argument('--check-args', action='store_true', help=argparse.SUPPRESS)
    p.add_argument('--worker-pid', type=int, action='append', default=[], help=argparse.SUPPRESS)
    p.add_argument('--worker-name', default=None, help=argparse.SUPPRESS)
    p.add_argument('--state-dir', default=None, help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.variant == 'seed' and a.tracking == 'pubsub':
        p.error('--tracking pubsub is not the seed design; use --variant tuned')
    a.tracking = a.tracking or ('poll' if a.variant == 'seed' else 'pubsub')
    if a.poll_ms is None:
        a.poll_ms = 20.0 if a.variant == 'seed' else 5.0
    if a.checkpoint_every is None:
        a.checkpoint_every = 10 if a.variant == 'seed' else 0
    if a.checkpoint_every < 0:
        p.error('--checkpoint-every must be >= 0')
    if a.warmup is None:
        a.warmup = 4 * a.concurrency
    return a


def fmt(v, digits=3):
    if v is None:
        return 'NA'
    if isinstance(v, float):
        return f'{v:.{digits}f}'
    return str(v)


def worker_task_totals(app, name):
    """Tasks the worker(s) accepted so far, by Celery's own counters (``inspect stats``)."""
    try:
        stats = app.control.inspect(destination=[name] if name else None, timeout=2.0).stats() or {}
    except Exception as e:   # noqa: BLE001 - a missing figure is reported, not fatal
        note(f'inspect stats failed: {e!r}')
        return None
    if not stats:
        return None
    return sum(sum(s.get('total', {}).values()) for s in stats.values())


def wait_for_workers(app, name, pids, timeout_s=60.0):
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if pids and not any(os.path.exists(f'/proc/{p}') for p in pids):
            raise BenchError('the Celery worker exited during start-up (its log follows)')
        try:
            if app.control.ping(destination=[name] if name else None, timeout=0.5):
                return
        except Exception:   # noqa: BLE001 - the broker may still be coming up
            time.sleep(0.2)
    raise BenchError(f'no Celery worker answered a ping within {timeout_s:.0f} s')


def main(argv):
    a = parse_args(argv)
    if a.check_args and not a.backlog:
        return 0
    logging.basicConfig(level=logging.WARNING, format='# %(name)s %(levelname)s %(message)s')

    if a.backlog:
        try:
            backlog = load_backlog(a.backlog)
            check_backlog(backlog)
        except BacklogError as e:
            print(f'error: {e}', file=sys.stderr)
            return 2
        shape = 'backlog'
        if a.check_args:
            return 0
    else:
        backlog = generate_backlog(a.cards, a.shape, a.width, a.chain_length)
        shape = a.shape
    if a.emit_backlog:
        with open(a.emit_backlog, 'w', encoding='utf-8') as f:
            json.dump(backlog, f, indent=2)
            f.write('\n')
        note(f'wrote {len(backlog["cards"])} cards to {a.emit_backlog}')
        return 0
    n = len(backlog['cards'])
    edges = sum(len(set(c.get('dependencies', []))) for c in backlog['cards'])

    os.environ['CELERY_BASELINE_VARIANT'] = a.variant
    os.environ['CELERY_BASELINE_TASK_MS'] = str(a.task_ms)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import celery
    import tasks   # noqa: E402 - after the environment is set
    app = tasks.celery_app

    own_state_dir = None
    if a.state_dir:
        state_dir = a.state_dir
    else:
        own_state_dir = tempfile.TemporaryDirectory(prefix='celery-baseline-state-')
        state_dir = own_state_dir.name
    rec = Recorder(timeline=bool(a.timeline))
    if a.variant == 'seed':
        orch = MetaOrchestrator(backlog, state_dir, tasks, a.poll_ms / 1000.0, a.checkpoint_every, rec)
    else:
        orch = TunedOrchestrator(backlog, state_dir, tasks, a.poll_ms / 1000.0, a.checkpoint_every, rec, a.tracking, a.task_ms)

    try:
        t_setup = time.time()
        wait_for_workers(app, a.worker_name, a.worker_pid)
        t_ready = time.time()
        if a.warmup:
            # every pool process imports and runs a task once before the window opens; waited for
            # by polling (AsyncResult.get() here sometimes stalled for seconds in Celery 5.2)
            rs = [tasks.execute_verification.apply_async(args=[f'WARMUP-{k}', []]) for k in range(a.warmup)]
            warm_deadline = time.time() + 60
            while not all(r.ready() for r in rs):
                if time.time() > warm_deadline:
                    raise BenchError('the warm-up tasks did not finish within 60 s')
                time.sleep(0.01)
            for r in rs:
                r.forget()
            del rs
        t_warm = time.time()
        tasks_before = worker_task_totals(app, a.worker_name)
        note(f'worker ready after {t_ready - t_setup:.2f} s, warm-up {t_warm - t_ready:.2f} s, '
             f'stats {time.time() - t_warm:.2f} s')

        import redis as redis_lib
        r = redis_lib.Redis(host='127.0.0.1', port=int(os.getenv('CELERY_BASELINE_REDIS_PORT', 6379)))

        def redis_cpu():
            try:
                info = r.info('cpu')
                return float(info['used_cpu_sys']) + float(info['used_cpu_user'])
            except Exception:   # noqa: BLE001
                return None

        load_at_start = os.getloadavg()[0]
        worker_pids = [p for root in a.worker_pid for p in process_tree(root)]
        w_cpu0 = cpu_seconds(worker_pids)
        redis0 = redis_cpu()
        ru0 = resource.getrusage(resource.RUSAGE_SELF)
        note(f'variant={a.variant} shape={shape} cards={n} edges={edges} concurrency={a.concurrency} '
             f'tracking={a.tracking}' + (f' poll_ms={a.poll_ms:g}' if a.tracking == 'poll' else '')
             + f' task_ms={a.task_ms:g} worker_processes={len(worker_pids)}')

        orch.worker_pids = list(a.worker_pid)
        orch.run(deadline=time.time() + a.timeout_s)

        ru1 = resource.getrusage(resource.RUSAGE_SELF)
        redis1 = redis_cpu()
        w_cpu1 = cpu_seconds(worker_pids)
        orch.final_checkpoint()
    except BenchError as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print('error: interrupted', file=sys.stderr)
        return 130

    end = max(rec.approved_at.values())
    wall = end - rec.first_submit
    tasks_after = worker_task_totals(app, a.worker_name)
    executed = tasks_after - tasks_before if tasks_before is not None and tasks_after is not None else None
    if executed is not None and executed != orch.submitted_tasks:
        note(f'warning: workers executed {executed} tasks, the orchestrator submitted {orch.submitted_tasks}')

    dispatch = []
    for c in backlog['cards']:
        deps = set(c.get('dependencies', []))
        if deps:
            released = max(rec.approved_at[d] for d in deps)
            dispatch.append((rec.owner_started[c['id']] - released) * 1000.0)
    dispatch.sort()
    latency = sorted((rec.approved_at[c] - rec.submitted_at[c]) * 1000.0 for c in rec.approved_at)

    figures = {
        'bench': 'celery',
        'variant': a.variant,
        'shape': shape,
        'cards': n,
        'concurrency': a.concurrency,
        'cards_per_s': n / wall if wall > 0 else None,
        'dispatch_p50_ms': percentile(dispatch, 50),
        'dispatch_p95_ms': percentile(dispatch, 95),
        'dispatch_p99_ms': percentile(dispatch, 99),
        'tasks': executed if executed is not None else orch.submitted_tasks,
        'wall_s': wall,
        'dispatch_max_ms': dispatch[-1] if dispatch else None,
        'dispatch_samples': len(dispatch),
        'card_latency_p50_ms': percentile(latency, 50),
        'card_latency_p99_ms': percentile(latency, 99),
        'tasks_counted_by': 'workers' if executed is not None else 'orchestrator',
        'edges': edges,
        'width': a.width if shape == 'layered' else None,
        'chain_length': a.chain_length if shape == 'chains' else None,
        'tracking': a.tracking,
        'poll_ms': a.poll_ms if a.tracking == 'poll' else None,
        'task_ms': a.task_ms,
        'checkpoint_every': a.checkpoint_every,
        'safety_net_hits': getattr(orch, 'safety_net_hits', None),
        'orchestrator_cpu_s': (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime),
        'workers_cpu_s': w_cpu1 - w_cpu0 if worker_pids else None,
        'redis_cpu_s': redis1 - redis0 if redis0 is not None and redis1 is not None else None,
        'orchestrator_peak_rss_mb': ru1.ru_maxrss / 1024.0,
        'workers_peak_rss_mb': peak_rss_mb(worker_pids) if worker_pids else None,
        'worker_processes': len(worker_pids) or None,
        'loadavg_1m_at_start': load_at_start,
        'cpus': os.cpu_count(),
        'celery_version': celery.__version__,
        'python_version': '.'.join(map(str, sys.version_info[:3])),
    }
    if a.backlog:
        figures['backlog'] = ''.join(ch if ch.isalnum() or ch in '._-' else '_' for ch in os.path.basename(a.backlog))
    digits = {'cards_per_s': 1, 'wall_s': 3, 'poll_ms': 1, 'task_ms': 1, 'loadavg_1m_at_start': 2}
    rounded = {}
    for k, v in figures.items():
        if isinstance(v, float):
            v = round(v, digits.get(k, 3 if not k.endswith('_mb') else 1))
        rounded[k] = v
    if a.timeline:
        t0 = rec.first_submit
        with open(a.timeline, 'w', encoding='utf-8') as f:
            for at, cid, what in sorted(rec.events, key=lambda e: e[0] or 0):
                f.write(json.dumps({'t_ms': round(((at or t0) - t0) * 1000.0, 3), 'card': cid, 'event': what}) + '\n')
    if a.json:
        with open(a.json, 'w', encoding='utf-8') as f:
            json.dump(rounded, f, indent=2)
            f.write('\n')
    line = ' '.join(f'{k}={fmt(v, digits.get(k, 1 if k.endswith("_mb") else 3))}'
                    for k, v in figures.items())
    print(f'RESULT {line}', flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
