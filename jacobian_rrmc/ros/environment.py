"""Keep demo and test traffic private: a random ROS domain and localhost-only discovery, unless the user chose.

Must run before `rclpy.init`, because the middleware reads these variables when the context starts.
"""

from __future__ import annotations

import gc
import io
import os
import random

ROS_HINT = "ROS 2 Python packages not found: pip install '.[ros]' (or source a ROS 2 installation)"


class RosUnavailable(RuntimeError):
    """rclpy or a message package cannot be imported."""


def isolate_ros_traffic(force: bool = False) -> int:
    """Set ROS_DOMAIN_ID to a random value in 1..101 and ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST where unset
    (or always, with `force`, as tests do so that a user's shell settings cannot join them to a live system).

    Returns the domain id in use. Two processes pick the same domain with probability 1/101, and only
    hear each other if they also use the same topic names on the same host.
    """
    if force or not os.environ.get("ROS_DOMAIN_ID"):
        os.environ["ROS_DOMAIN_ID"] = str(random.SystemRandom().randint(1, 101))
    if force or not os.environ.get("ROS_AUTOMATIC_DISCOVERY_RANGE"):
        os.environ["ROS_AUTOMATIC_DISCOVERY_RANGE"] = "LOCALHOST"
    return int(os.environ["ROS_DOMAIN_ID"])


def require_ros() -> None:
    """Import rclpy and the message packages the nodes use; RosUnavailable with an install hint if missing."""
    try:
        import diagnostic_msgs.msg  # noqa: F401
        import geometry_msgs.msg  # noqa: F401
        import rclpy  # noqa: F401
        import sensor_msgs.msg  # noqa: F401
        import std_msgs.msg  # noqa: F401
        import trajectory_msgs.msg  # noqa: F401
    except ImportError as error:
        raise RosUnavailable(f"{ROS_HINT} ({error})") from None


def create_executor(context=None):
    """rclpy's EventsExecutor (C++ event queue), or the SingleThreadedExecutor where it does not exist.

    Preferred because its C++ event queue spends far less Python time per callback than the
    SingleThreadedExecutor's wait-set rebuild, which matters at a 1 kHz control rate.
    """
    from rclpy.executors import SingleThreadedExecutor

    try:
        from rclpy.experimental import EventsExecutor

        return EventsExecutor(context=context)
    except ImportError:
        return SingleThreadedExecutor(context=context)
    except io.UnsupportedOperation:  # its faulthandler.enable() needs a real stderr (not so under pytest capsys)
        return SingleThreadedExecutor(context=context)


def spin_until_shutdown(node) -> None:
    """Spin `node` with `create_executor` until its context shuts down (Ctrl-C, SIGTERM).

    Loops `spin_once` with a timeout: in rclpy 9.1 the EventsExecutor's own `spin()` (and so
    `rclpy.spin`) stalled this node's timers after two cycles here, while `spin_once` runs them.
    """
    executor = create_executor(node.context)
    executor.add_node(node)
    try:
        while node.context.ok():
            executor.spin_once(timeout_sec=0.1)
    finally:
        executor.shutdown()


def set_realtime_priority(priority: int) -> str:
    """Run the calling thread under SCHED_FIFO at `priority` (1-99), as ros2_control's controller manager does.

    Returns "" on success, else why not (no permission, or no such policy on this OS): a real-time
    priority is an optimisation, so the caller logs the reason and carries on.
    """
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(priority))
    except (AttributeError, OSError) as error:
        return str(error) or type(error).__name__
    return ""


def freeze_startup_heap() -> None:
    """Move every object alive now out of the garbage collector's reach (`gc.freeze`).

    After start-up the heap holds numba, rclpy and numpy internals; a full (generation 2) collection
    scans all of it and can stall the control loop for many periods. Frozen objects are never
    scanned again, so later collections only walk what the loop itself allocates.
    """
    gc.collect()
    gc.freeze()


def run_node_until_shutdown(node_class, executable: str, args=None) -> None:
    """Body of a node's console script: init, build `node_class()`, spin until shutdown, clean up.

    A configuration problem found while building the node (bad parameter, unknown robot, missing
    file) is printed as one line and exits with code 2 instead of a traceback. rclpy is imported here,
    not at module level, so this module loads without ROS (the demo checks for ROS with it first).
    """
    import rclpy
    from rclpy.executors import ExternalShutdownException

    rclpy.init(args=args)
    try:
        node = node_class()
    except (ValueError, KeyError, FileNotFoundError) as error:
        print(f"{executable}: {error}")
        rclpy.try_shutdown()
        raise SystemExit(2) from None
    freeze_startup_heap()
    try:
        spin_until_shutdown(node)
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    finally:
        node.destroy_node()
        rclpy.try_shutdown()
