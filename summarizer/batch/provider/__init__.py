"""The provider Batch API route (OpenAI ``/v1/files`` + ``/v1/batches``): half-price batch
runs that keep the store's promises — nothing lost, nothing paid twice, resumable after
``kill -9`` at any step. Modules, one job each: ``prepare`` (render and cut the request
files), ``submit`` (upload and create, journalled), ``poll`` (wait), ``collect`` (store the
answers), ``journal`` (the store tables), ``remote`` (the SDK calls), ``run`` (the whole).
"""

from .config import BatchApiConfig, FileLimits, PollPolicy
from .run import BatchApiSummary, run_batch_api

__all__ = ["BatchApiConfig", "BatchApiSummary", "FileLimits", "PollPolicy", "run_batch_api"]
