"""The contract between exported JacobianNet files and the runtime (no torch needed to read it).

Every exported model carries JSON metadata under the ONNX ``metadata_props`` key `METADATA_KEY`
(and in a ``.json`` sidecar); `FORMAT_VERSION` changes whenever inputs, outputs or metadata change.
"""

METADATA_KEY = "jacobian_rrmc"
FORMAT_VERSION = 1
