"""ROS 2 shell: the rrmc node, the simulated arm and the one-process demo.

Only modules in this package import rclpy; the plain-Python pieces here (messages, arm_simulator,
twist_script, loop_statistics, demo_metrics) import without ROS.
"""
