"""jacobian_rrmc: resolved-rate motion control of robot arms with pluggable Jacobians."""

__version__ = "0.1.0"
