"""Tests of mathdl.optim_adaptive: RMSProp, Adam, AdamW and AdaGrad, each update against its documented formula.

Equation numbers refer to ``book/optimization.ipynb`` (AdamW: ``book/regularization.ipynb``); claim ids name the facts
checked. Their runs inside mathdl.optim.trajectory are tested in test_optim.py.
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from mathdl import optim, optim_adaptive
from mathdl.verify import derive

#: One step computed from the formula by hand vs the step function (same float operations up to order).
STEP_RTOL = 1e-14


@pytest.fixture
def rng():
    return np.random.default_rng(1951)


# ---------------------------------------------------------------------------------------- RMSProp, Adam

def test_rmsprop_step_matches_formula(rng):
    p, lr, alpha, eps, mu = rng.standard_normal(4), 0.01, 0.9, 1e-8, 0.5
    g1, g2 = rng.standard_normal(4), rng.standard_normal(4)
    p1, s = optim_adaptive.rmsprop_step(p, g1, lr=lr, alpha=alpha, eps=eps)
    v1 = (1 - alpha) * g1**2
    np.testing.assert_allclose(p1, p - lr * g1 / (np.sqrt(v1) + eps), rtol=STEP_RTOL)
    p2, _ = optim_adaptive.rmsprop_step(p1, g2, s, lr=lr, alpha=alpha, eps=eps)
    v2 = alpha * v1 + (1 - alpha) * g2**2
    np.testing.assert_allclose(p2, p1 - lr * g2 / (np.sqrt(v2) + eps), rtol=STEP_RTOL)
    # centered with momentum
    c1, s = optim_adaptive.rmsprop_step(p, g1, lr=lr, alpha=alpha, eps=eps, momentum=mu, centered=True)
    gbar = (1 - alpha) * g1
    b1 = g1 / (np.sqrt(v1 - gbar**2) + eps)
    np.testing.assert_allclose(c1, p - lr * b1, rtol=STEP_RTOL)
    c2, _ = optim_adaptive.rmsprop_step(c1, g2, s, lr=lr, alpha=alpha, eps=eps, momentum=mu, centered=True)
    gbar2 = alpha * gbar + (1 - alpha) * g2
    b2 = mu * b1 + g2 / (np.sqrt(v2 - gbar2**2) + eps)
    np.testing.assert_allclose(c2, c1 - lr * b2, rtol=STEP_RTOL)


def test_rmsprop_weight_decay_adds_to_the_gradient(rng):
    """RMSprop's L2 term: g <- g + wd * p (a sign flip, g - wd * p, must fail), on the first and second step."""
    p, lr, alpha, eps, wd = rng.standard_normal(4), 0.01, 0.9, 1e-8, 0.3
    g1, g2 = rng.standard_normal(4), rng.standard_normal(4)
    p1, s = optim_adaptive.rmsprop_step(p, g1, lr=lr, alpha=alpha, eps=eps, weight_decay=wd)
    d1 = g1 + wd * p
    v1 = (1 - alpha) * d1**2
    np.testing.assert_allclose(p1, p - lr * d1 / (np.sqrt(v1) + eps), rtol=STEP_RTOL)
    np.testing.assert_allclose(s.square_avg, v1, rtol=STEP_RTOL)
    p2, _ = optim_adaptive.rmsprop_step(p1, g2, s, lr=lr, alpha=alpha, eps=eps, weight_decay=wd)
    d2 = g2 + wd * p1
    v2 = alpha * v1 + (1 - alpha) * d2**2
    np.testing.assert_allclose(p2, p1 - lr * d2 / (np.sqrt(v2) + eps), rtol=STEP_RTOL)


def test_adam_weight_decay_adds_to_the_gradient(rng):
    p, lr, eps, wd = rng.standard_normal(3), 0.01, 1e-8, 0.5
    g = rng.standard_normal(3)
    p1, s = optim_adaptive.adam_step(p, g, lr=lr, eps=eps, weight_decay=wd)
    d = g + wd * p
    np.testing.assert_allclose(s.exp_avg, 0.1 * d, rtol=STEP_RTOL)
    np.testing.assert_allclose(s.exp_avg_sq, 0.001 * d**2, rtol=STEP_RTOL)
    np.testing.assert_allclose(p1, p - lr * d / (np.abs(d) + eps), rtol=STEP_RTOL)


def test_adam_step_matches_formula(rng):
    """claim optim.adam-bias-correction: the update divides the moments by 1 - beta^t."""
    p, lr, (b1, b2), eps = rng.standard_normal(3), 0.01, (0.8, 0.95), 1e-8
    grads = rng.standard_normal((3, 3))
    m = v = np.zeros(3)
    q, state = p, None
    for t, g in enumerate(grads, start=1):
        q_new, state = optim_adaptive.adam_step(q, g, state, lr=lr, betas=(b1, b2), eps=eps)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        expected = q - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        np.testing.assert_allclose(q_new, expected, rtol=STEP_RTOL)
        q = q_new
    assert state.step == 3


def test_adam_first_step_is_lr_times_sign(rng):
    """With bias correction, m_hat_1 = g and v_hat_1 = g^2, so the first step is lr * g / (|g| + eps)."""
    g = rng.standard_normal(5) * 10.0 ** rng.integers(-3, 3, size=5)
    p1, _ = optim_adaptive.adam_step(np.zeros(5), g, lr=0.1, eps=1e-300)
    np.testing.assert_allclose(p1, -0.1 * np.sign(g), rtol=1e-15)


def test_adam_uncorrected_first_step_would_be_too_large(rng):
    """claim optim.adam-bias-correction: adam_step stores m_1 = (1 - b1) g and v_1 = (1 - b2) g^2, so without both
    corrections the first step would be lr (1 - b1)/sqrt(1 - b2) = sqrt(10) lr at (0.9, 0.999), not lr."""
    g = rng.standard_normal(6) * 10.0 ** rng.integers(-3, 3, size=6)
    p1, state = optim_adaptive.adam_step(np.zeros(6), g, lr=0.1)
    np.testing.assert_allclose(state.exp_avg, 0.1 * g, rtol=STEP_RTOL)
    np.testing.assert_allclose(state.exp_avg_sq, 0.001 * g**2, rtol=STEP_RTOL)
    uncorrected = 0.1 * state.exp_avg / np.sqrt(state.exp_avg_sq)
    np.testing.assert_allclose(uncorrected, np.sqrt(10.0) * 0.1 * np.sign(g), rtol=1e-12)
    assert state.step == 1


def test_adam_bias_correction_symbolic_and_measured(rng):
    """claim optim.adam-bias-correction: E[m_t] = (1 - beta^t) E[g] (geometric sum), and by simulation."""
    beta = sp.Symbol("beta", positive=True)
    t, k = sp.symbols("t k", integer=True, positive=True)
    d = derive((1 - beta) * sp.Sum(beta ** (t - k), (k, 1, t)), (1 - beta**t, "geometric sum"),
               claim="optim.adam-bias-correction")
    assert d.result == 1 - beta**t
    # simulation: m_t averaged over many independent gradient streams with mean 2
    b1, T, streams = 0.9, 5, 200_000
    g = 2.0 + rng.standard_normal((T, streams))
    m = np.zeros(streams)
    for step in range(T):
        m = b1 * m + (1 - b1) * g[step]
    assert abs(m.mean() / (1 - b1**T) - 2.0) < 0.01
    assert abs(m.mean() - 2.0) > 0.8          # the uncorrected average is far from E[g]


# ------------------------------------------------------------------------------------------ AdamW

def test_adamw_step_matches_formula(rng):
    """claim regularization.adamw-decoupled: p <- p (1 - lr wd), then Adam with bias correction, eps outside sqrt."""
    p, lr, wd, b1, b2, eps = rng.standard_normal(4), 0.05, 0.1, 0.8, 0.95, 1e-6
    q, state, m, v = p.copy(), None, np.zeros(4), np.zeros(4)
    for t in range(1, 4):
        g = rng.standard_normal(4)
        q_new, state = optim_adaptive.adamw_step(q, g, state, lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        expected = q * (1 - lr * wd) - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        np.testing.assert_allclose(q_new, expected, rtol=STEP_RTOL)
        np.testing.assert_allclose(state.exp_avg, m, rtol=STEP_RTOL)
        np.testing.assert_allclose(state.exp_avg_sq, v, rtol=STEP_RTOL)
        assert state.step == t
        q = q_new


def test_adamw_without_decay_is_adam(rng):
    """claim regularization.adamw-decoupled: weight_decay = 0 gives adam_step exactly."""
    p, g = rng.standard_normal(3), rng.standard_normal(3)
    a, sa = optim_adaptive.adam_step(p, g, lr=0.01)
    w, sw = optim_adaptive.adamw_step(p, g, lr=0.01, weight_decay=0.0)
    np.testing.assert_array_equal(a, w)
    np.testing.assert_array_equal(sa.exp_avg_sq, sw.exp_avg_sq)


def test_adamw_decay_is_not_rescaled_by_adam(rng):
    """claim regularization.adam-l2-not-decay: Adam's L2 gradient is divided by sqrt(v); AdamW's decay is not."""
    p = np.array([1.0, 100.0])
    g = np.array([1e-3, 1e-3])
    adam_l2, _ = optim_adaptive.adam_step(p, g, lr=0.1, eps=1e-300, weight_decay=0.01)
    adamw, _ = optim_adaptive.adamw_step(p, g, lr=0.1, eps=1e-300, weight_decay=0.01)
    # Adam + L2: both coordinates move by lr (sign of g + wd p); AdamW: the decay is proportional to p
    np.testing.assert_allclose(p - adam_l2, [0.1, 0.1], rtol=1e-12)
    np.testing.assert_allclose(p - adamw, [0.1 + 1e-3, 0.1 + 0.1], rtol=1e-12)


def test_adamw_bad_input():
    with pytest.raises(ValueError, match="adamw_step: weight_decay must be >= 0"):
        optim_adaptive.adamw_step(np.zeros(2), np.ones(2), weight_decay=-1.0)
    with pytest.raises(ValueError, match="adamw_step: eps"):
        optim_adaptive.adamw_step(np.zeros(2), np.ones(2), eps=0.0)
    with pytest.raises(TypeError, match="adamw_step: state"):
        optim_adaptive.adamw_step(np.zeros(2), np.ones(2), optim.SGDState(None))
    with pytest.raises(ValueError, match="adamw_step: grads must have the shape"):
        optim_adaptive.adamw_step(np.zeros(2), np.ones(3))


# ------------------------------------------------------------------------------------------ AdaGrad

def test_adagrad_step_matches_formula(rng):
    """torch.optim.Adagrad: G_t = G_{t-1} + g^2, p <- p - lr/(1 + (t-1) decay) g/(sqrt G_t + eps)."""
    p, lr, decay, wd, init, eps = rng.standard_normal(4), 0.2, 0.1, 0.01, 0.5, 1e-10
    g1, g2 = rng.standard_normal(4), rng.standard_normal(4)
    p1, s = optim_adaptive.adagrad_step(p, g1, lr=lr, lr_decay=decay, weight_decay=wd,
                                        initial_accumulator_value=init, eps=eps)
    G1 = init + (g1 + wd * p)**2
    np.testing.assert_allclose(p1, p - lr * (g1 + wd * p) / (np.sqrt(G1) + eps), rtol=STEP_RTOL)
    np.testing.assert_allclose(s.sum, G1, rtol=STEP_RTOL)
    p2, s2 = optim_adaptive.adagrad_step(p1, g2, s, lr=lr, lr_decay=decay, weight_decay=wd,
                                         initial_accumulator_value=init, eps=eps)
    G2 = G1 + (g2 + wd * p1)**2
    np.testing.assert_allclose(p2, p1 - lr / (1 + decay) * (g2 + wd * p1) / (np.sqrt(G2) + eps), rtol=STEP_RTOL)
    assert s2.step == 2
    with pytest.raises(ValueError, match="lr_decay and initial_accumulator_value must be >= 0"):
        optim_adaptive.adagrad_step(p, g1, lr_decay=-1.0)
    with pytest.raises(TypeError, match="state must be None"):
        optim_adaptive.adagrad_step(p, g1, optim.SGDState(None))


def test_adagrad_constant_gradient_steps_are_lr_over_sqrt_t():
    """optim.adagrad-step: for a constant gradient the t-th step is lr sign(g)/sqrt(t), whatever the scale."""
    for scale in (1e-3, 1.0, 250.0):
        g = np.array([scale, -scale])
        p, state = np.zeros(2), None
        for t in range(1, 30):
            p_new, state = optim_adaptive.adagrad_step(p, g, state, lr=0.1, eps=1e-300)
            np.testing.assert_allclose(p_new - p, -0.1 * np.sign(g) / np.sqrt(t), rtol=1e-13)
            p = p_new


# ---------------------------------------------------------------------------------------------- bad inputs

def test_bad_hyperparameters_raise():
    p, g = np.zeros(2), np.ones(2)
    with pytest.raises(ValueError, match=r"betas\[1\] must lie in \[0, 1\)"):
        optim_adaptive.adam_step(p, g, betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="betas must be a pair"):
        optim_adaptive.adam_step(p, g, betas=0.9)
    with pytest.raises(ValueError, match="eps must be > 0"):
        optim_adaptive.adam_step(p, g, eps=0.0)
    with pytest.raises(ValueError, match=r"alpha must lie in \[0, 1\)"):
        optim_adaptive.rmsprop_step(p, g, alpha=-0.5)
    with pytest.raises(ValueError, match="eps must be > 0"):
        optim_adaptive.rmsprop_step(p, g, eps=-1e-8)


def test_bad_arrays_and_states_raise():
    with pytest.raises(ValueError, match="contains NaN or infinity"):
        optim_adaptive.adam_step(np.zeros(2), np.array([np.inf, 0.0]))
    with pytest.raises(TypeError, match="state must be None"):
        optim_adaptive.adam_step(np.zeros(2), np.ones(2), optim.SGDState(None))
    with pytest.raises(TypeError, match="state must be None"):
        optim_adaptive.rmsprop_step(np.zeros(2), np.ones(2), optim_adaptive.AdamState(1, np.zeros(2), np.zeros(2)))
