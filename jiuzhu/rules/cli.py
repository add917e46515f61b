"""What the ``jiuzhu assess`` and ``jiuzhu bench assess`` commands do, without Django.

The management commands in ``jiuzhu/assessments/management/commands/`` only parse
their arguments, call these functions and print (50-api.md, "Command line").
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from .engine import assess_arrays
from .explain import assess
from .synthetic import DEFAULT_SEED, generate

EXIT_INVALID = 2


class InputError(Exception):
    """The input file cannot be read as households (message in Chinese)."""


def load_households(path: str | Path) -> list[Any]:
    """The households of a JSON file (one object or a list), numbers read as Decimal.

    ``-`` reads standard input. Raises InputError for a missing or unreadable file, bad
    JSON or a top-level value that is neither an object nor a list.
    """
    try:
        text = sys.stdin.read() if str(path) == "-" else Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"文件不存在：{path}") from None
    except IsADirectoryError:
        raise InputError(f"不是文件：{path}") from None
    except UnicodeDecodeError:
        raise InputError(f"文件不是 UTF-8 编码的文本：{path}") from None
    except OSError as error:
        raise InputError(f"无法读取文件 {path}：{error.strerror or error}") from None
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise InputError(
            f"文件 {path} 不是有效的 JSON（第 {error.lineno} 行第 {error.colno} 列：{error.msg}）"
        ) from None
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list):
        return data
    raise InputError(f"文件 {path} 应包含一个家庭（JSON 对象）或家庭列表（JSON 数组）")


def assess_file(path: str | Path) -> tuple[list[dict[str, Any]], int]:
    """Results of the households in a JSON file, in order, and the exit status.

    The status is 2 when any household fails validation (its place holds
    ``{"household_id", "errors"}``), else 0. Raises InputError for an unreadable file.
    """
    results = assess(load_households(path))
    status = EXIT_INVALID if any("errors" in result for result in results) else 0
    return results, status


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB (ru_maxrss: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def bench_assess(n: int, seed: int = DEFAULT_SEED, repeat: int = 3) -> dict[str, Any]:
    """Generate N synthetic households, assess them with the batch engine, time the assessment.

    Generation is not timed. Parameter files are read and the member-profile tables built
    once before the clock starts (a one-off per process, about a millisecond or two).
    In the same run a straightforward numpy implementation of the same rules
    (:mod:`jiuzhu.rules.reference_numpy`) is timed on the same households, turn about with
    the engine; each figure is the best of ``repeat`` runs, ``ratio`` is engine ÷
    reference, and ``agrees_with_reference`` says their results are equal.
    """
    if n < 1:
        raise ValueError("households must be at least 1")
    from .reference_numpy import reference_arrays

    batch = generate(n, seed=seed)
    assess_arrays(batch.slice(0, min(n, 100)))
    reference_arrays(batch.slice(0, min(n, 100)))
    engine_times, reference_times = [], []
    result: Any = None
    expected: dict[str, Any] = {}
    for _ in range(max(1, repeat)):
        gc.collect()
        start = time.perf_counter()
        result = assess_arrays(batch)
        engine_times.append(time.perf_counter() - start)
        gc.collect()
        start = time.perf_counter()
        expected = reference_arrays(batch)
        reference_times.append(time.perf_counter() - start)
    seconds, reference_seconds = min(engine_times), min(reference_times)
    agrees = all(
        (getattr(result, name).astype("int64") == values.astype("int64")).all()
        for name, values in expected.items()
    )
    return {
        "households": n,
        "seconds": round(seconds, 4),
        "households_per_second": round(n / seconds) if seconds > 0 else None,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "reference_seconds": round(reference_seconds, 4),
        "ratio": round(seconds / reference_seconds, 3) if reference_seconds > 0 else None,
        "agrees_with_reference": bool(agrees),
    }
