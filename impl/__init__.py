"""Torch implementations of the models, optimizers and kernels whose claims lemmata verifies."""
