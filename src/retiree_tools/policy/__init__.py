"""The policy: what the rules check and decide, as data (the default TOML shipped here, a
locality's TOML merged over it) — see docs/policy.md."""

from retiree_tools.policy.load import default_policy_data, load_policy
from retiree_tools.policy.model import Policy

__all__ = ["Policy", "load_policy", "default_policy_data"]
