"""JacobianNet: feature encodings, the network, cycle training, ONNX export and the onnxruntime runtime.

Training needs the ``train`` extra (torch==2.13.0); `runtime` needs only numpy and onnxruntime.
"""
