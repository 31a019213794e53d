"""JacobianNet (paper Fig. 5): shared encoder → confidence head (sigmoid, BCE) + estimation head (MSE).

Each block is a stack of dense layers with PReLU (the paper's choice) or SiLU; batch normalisation and
dropout are configurable per block. SiLU makes the net a smooth function of its inputs, so its error is
smooth too: a PReLU net is piecewise linear, and the slope of its error jumps at every kink. That slope
is what a closed loop feels — a Jacobian error ε along a path leaves a twist error of about ε̇/K under
drift correction with gain K — so the shipped per-robot nets, which run inside the loop, are trained with
`--activation silu` (models/MODEL_CARD.md); it also fits
a smooth Jacobian more accurately for the same size and training time
(benchmarks/results/per_robot_ablation.md). The M3 nets keep PReLU, as in the paper.

The paper used an 8-layer encoder with a 2150-d output, 8-layer heads, batch norm after the last four
encoder layers / first four head layers and dropout 0.5; that is far too big for a 2-core CPU, so the
defaults here are small (three 128-wide encoder layers, two 128-wide head layers, no dropout: dropout 0.5
costs regression accuracy and the training sets are large enough not to need it).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

ACTIVATIONS = {"prelu": nn.PReLU, "silu": lambda width: nn.SiLU()}  # width → module


@dataclass
class NetSizes:
    """Layer widths and regularisation of a JacobianNet."""

    encoder: tuple[int, ...] = (128, 128, 128)
    confidence: tuple[int, ...] = (64, 64)
    estimation: tuple[int, ...] = (128, 128)
    batch_norm: bool = True
    dropout: float = 0.0
    activation: str = "prelu"  # one of ACTIVATIONS

    def __post_init__(self) -> None:
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {tuple(ACTIVATIONS)}, got {self.activation!r}")


def dense_stack(
    in_features: int, widths: tuple[int, ...], batch_norm: bool, dropout: float, activation: str = "prelu"
) -> nn.Sequential:
    """Linear → [BatchNorm] → activation (PReLU or SiLU) → [Dropout] for each width."""
    layers: list[nn.Module] = []
    for width in widths:
        layers.append(nn.Linear(in_features, width))
        if batch_norm:
            layers.append(nn.BatchNorm1d(width))
        layers.append(ACTIVATIONS[activation](width))
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        in_features = width
    return nn.Sequential(*layers)


class JacobianNet(nn.Module):
    """Standardised features (B, F) → (confidence logit (B,), scaled Jacobian entries (B, out_features))."""

    def __init__(self, in_features: int, out_features: int, sizes: NetSizes | None = None):
        super().__init__()
        self.sizes = sizes or NetSizes()
        self.in_features, self.out_features = in_features, out_features
        s = self.sizes
        self.encoder = dense_stack(in_features, s.encoder, s.batch_norm, s.dropout, s.activation)
        width = s.encoder[-1] if s.encoder else in_features
        self.confidence_head = nn.Sequential(
            dense_stack(width, s.confidence, s.batch_norm, s.dropout, s.activation),
            nn.Linear(s.confidence[-1] if s.confidence else width, 1),
        )
        self.estimation_head = nn.Sequential(
            dense_stack(width, s.estimation, s.batch_norm, s.dropout, s.activation),
            nn.Linear(s.estimation[-1] if s.estimation else width, out_features),
        )

    def forward(self, features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        code = self.encoder(features)
        return self.confidence_head(code).squeeze(1), self.estimation_head(code)

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.parameters())
