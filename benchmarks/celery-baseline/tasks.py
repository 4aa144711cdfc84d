"""The seed's Celery tasks (``tasks.py``), as no-ops with an optional fixed latency.

``execute_owner_task``, ``execute_verification`` and ``execute_llm_judge`` have the seed's names,
queues (through ``task_routes``) and return shapes (``TaskResult`` / ``ValidationResult`` of the
seed's ``models.py``). Each does no work except sleeping ``CELERY_BASELINE_TASK_MS`` milliseconds
(default 0) and always passes.

Benchmark instrumentation: every task records ``time.time()`` as its first statement and returns it
as ``started_at`` (the owner's is what dispatch latency is measured to).

The verification and judge tasks accept either the seed's ``(card_id, artifacts)`` arguments (the
``seed`` variant's orchestrator calls them that way) or, as their only argument, the previous task's
result (the ``tuned`` variant runs owner -> verification -> judge as one Celery chain, which prepends
the previous result to the next task's arguments).
"""
import logging
import os
import time

from celery_app import celery_app

logger = logging.getLogger(__name__)

TASK_MS = float(os.getenv('CELERY_BASELINE_TASK_MS', '0') or 0)


def _work():
    """Stands in for the agent call: nothing, or a fixed sleep."""
    if TASK_MS > 0:
        time.sleep(TASK_MS / 1000.0)


@celery_app.task(bind=True, max_retries=3, name='tasks.execute_owner_task')
def execute_owner_task(self, card_id, card_type, card_data):
    started = time.time()   # benchmark: when the owner task started on a worker
    _work()
    return {   # models.TaskResult
        'card_id': card_id,
        'status': 'success',
        'stage': f'{card_type.lower()}_owner',
        'artifacts': [{'type': 'code', 'path': f'app-artefacts/engenharia/{card_id}.md'}],
        'validation': None,
        'next_actions': ['verify_evidence'],
        'error': None,
        'elapsed_time': time.time() - started,
        'cost': {'total_tokens': 0, 'cost_usd': 0.0},
        'started_at': started,
    }


def _validation(validator, card_id, score=None, result='PASSED', reasons=None, started=None):
    return {   # models.ValidationResult (+ card_id, so a chained result names its card)
        'validator': validator,
        'result': result,
        'score': score,
        'reasons': reasons or [],
        'feedback': {},
        'card_id': card_id,
        'started_at': started,
    }


@celery_app.task(bind=True, name='tasks.execute_verification')
def execute_verification(self, card_id, artifacts=None):
    started = time.time()
    previous = None
    if isinstance(card_id, dict):   # chained after the owner task: its TaskResult
        previous = card_id
        card_id, artifacts = previous['card_id'], previous['artifacts']
    _work()
    out = _validation('verification_agent', card_id, started=started)
    if previous is not None:
        out['artifacts'] = artifacts
        out['owner_started_at'] = previous.get('started_at')
    return out


@celery_app.task(bind=True, name='tasks.execute_llm_judge')
def execute_llm_judge(self, card_id, artifacts=None):
    started = time.time()
    previous = None
    if isinstance(card_id, dict):   # chained after verification: its ValidationResult
        previous = card_id
        card_id, artifacts = previous['card_id'], previous.get('artifacts')
        if previous.get('result') != 'PASSED':   # the seed runs the judge only after verification passed
            out = _validation('llm_judge', card_id, result='FAILED',
                              reasons=['verification failed'] + list(previous.get('reasons', [])))
            out['owner_started_at'] = previous.get('owner_started_at')
            return out
    _work()
    out = _validation('llm_judge', card_id, score=9.0, started=started)
    if previous is not None:
        out['owner_started_at'] = previous.get('owner_started_at')
    return out
