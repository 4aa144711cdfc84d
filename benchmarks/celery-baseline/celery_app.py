"""The seed's Fase 0 ``celery_app.py``, parameterised for the benchmark.

Every setting of the seed is kept for ``CELERY_BASELINE_VARIANT=seed`` (the default). The ``tuned``
variant changes only what a competent Celery user would change for throughput; see README.md
("Variants") for the list and the reasons.

Environment (set by run_baseline.sh for the workers and by orchestrator.py for itself):
  CELERY_BASELINE_VARIANT     seed | tuned                    (default seed)
  CELERY_BASELINE_REDIS_PORT  Redis port on 127.0.0.1          (default 6379)
  CELERY_BASELINE_REDIS_DB    dedicated Redis DB number        (default 12; the seed uses 2)
"""
import os

from celery import Celery

VARIANT = os.getenv('CELERY_BASELINE_VARIANT', 'seed')
if VARIANT not in ('seed', 'tuned'):
    raise SystemExit(f"CELERY_BASELINE_VARIANT must be seed or tuned, was {VARIANT!r}")

# Configuração (seed: REDIS_HOST=localhost, DB 2; here always the loopback address and a DB of our own)
REDIS_HOST = '127.0.0.1'
REDIS_PORT = int(os.getenv('CELERY_BASELINE_REDIS_PORT', 6379))
REDIS_DB = int(os.getenv('CELERY_BASELINE_REDIS_DB', 12))

BROKER_URL = f'redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}'
BACKEND_URL = f'redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}'

# Celery app
celery_app = Celery(
    'squadOS',
    broker=BROKER_URL,
    backend=BACKEND_URL,
    include=['tasks']  # Import tasks module
)

# Configuração avançada (verbatim from the seed)
celery_app.conf.update(
    # Serialização
    task_serializer='json',
    accept_content=['json'],
    result_serializer='json',

    # Timezone
    timezone='UTC',
    enable_utc=True,

    # Rotas de tasks
    task_routes={
        'tasks.execute_owner_task': {'queue': 'squadOS.owners'},
        'tasks.execute_verification': {'queue': 'squadOS.validation'},
        'tasks.execute_llm_judge': {'queue': 'squadOS.validation'},
        'tasks.execute_qa': {'queue': 'squadOS.validation'},
        'tasks.execute_debugging': {'queue': 'squadOS.debugging'},
    },

    # Prioridades
    task_default_priority=5,
    task_queue_max_priority=10,

    # Retry/timeout
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    task_time_limit=3600,  # 1 hour hard limit
    task_soft_time_limit=3000,  # 50 min soft limit

    # Result expiration
    result_expires=3600,  # 1 hour

    # Dead Letter Queue
    task_reject_on_worker_lost=True,
    task_send_sent_event=True,
)

if VARIANT == 'tuned':
    # What a competent Celery user changes for throughput (README.md, "Variants"):
    celery_app.conf.update(
        task_acks_late=False,           # Celery's default: ack on receipt
        worker_prefetch_multiplier=4,   # Celery's default
        task_reject_on_worker_lost=False,  # only meaningful with acks_late
        task_send_sent_event=False,     # no extra event message per published task
        worker_disable_rate_limits=True,  # no rate limits are used; skip the token buckets
    )

if __name__ == '__main__':
    celery_app.start()
