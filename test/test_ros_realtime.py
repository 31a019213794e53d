"""set_realtime_priority: SCHED_FIFO for the calling thread only, or a reason why not (never an exception)."""

import os
import threading

import pytest

from jacobian_rrmc.ros.environment import set_realtime_priority

pytestmark = pytest.mark.skipif(not hasattr(os, "SCHED_FIFO"), reason="no SCHED_FIFO on this OS")


def run_in_thread(function):
    result = {}
    thread = threading.Thread(target=lambda: result.update(value=function()))
    thread.start()
    thread.join()
    return result["value"]


def test_applies_to_the_calling_thread_or_explains():
    def apply_and_read():
        problem = set_realtime_priority(10)
        return problem, os.sched_getscheduler(0), os.sched_getparam(0).sched_priority

    problem, policy, priority = run_in_thread(apply_and_read)
    if problem:  # not permitted here: the thread keeps its normal policy and we get the reason
        assert policy == os.SCHED_OTHER and "ermission" in problem
    else:
        assert (policy, priority) == (os.SCHED_FIFO, 10)
    assert os.sched_getscheduler(0) == os.SCHED_OTHER  # the test's own thread is untouched


def test_out_of_range_priority_is_a_reason_not_an_exception():
    assert run_in_thread(lambda: set_realtime_priority(500))
