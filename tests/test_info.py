"""Tests of mathdl.info: each formula against SymPy (agree), its gradient (gradcheck), an invariant or closed form,
and bad input. Book: Information theory (book/information.ipynb)."""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mathdl import estimation, info
from mathdl.verify import AgreementError, GradcheckError, ProofError, agree, derive, gradcheck

#: Round-off allowed on quantities that are exactly 0 or equal in exact arithmetic (KL(p||p), MI symmetry).
EXACT_ATOL = 1e-12
#: Allowed excess of a quantity over its upper bound (DPI, ELBO <= log evidence, IB monotonicity).
BOUND_ATOL = 1e-12
#: Relative agreement of two numpy computations of one closed form.
CLOSED_FORM_RTOL = 1e-10
#: Monte Carlo checks: the estimate must lie within this many standard errors.
MC_SIGMAS = 5.0

SETTINGS = settings(max_examples=40, deadline=None)


def dirichlet_sampler(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.dirichlet(np.ones(int(np.prod(shape)))).reshape(shape)


@st.composite
def distributions(draw, k: int | None = None, allow_zeros: bool = True):
    k = draw(st.integers(2, 6)) if k is None else k
    low = 0.0 if allow_zeros else 1e-3
    w = np.array(draw(st.lists(st.floats(low, 10.0), min_size=k, max_size=k)))
    if w.sum() == 0:
        w[0] = 1.0
    return w / w.sum()


# ------------------------------------------------------------------------------ entropy & cross-entropy

def test_entropy_chain_rule_agrees_with_sympy():
    """claim info.entropy-chain-rule: H(X,Y) = H(X) + H(Y|X) on a symbolic 2x3 table."""
    P = sp.Matrix(2, 3, lambda i, j: sp.Symbol(f"p_{i}{j}", positive=True))
    joint = -sum(p * sp.log(p) for p in P)
    px = [sum(P[i, :]) for i in range(2)]
    chain = -sum(x * sp.log(x) for x in px) - sum(P[i, j] * sp.log(P[i, j] / px[i]) for i in range(2) for j in range(3))
    derive(joint, (chain, "chain rule", "expand_log"), instance="2 x 3")      # positive symbols suffice
    agree(joint, info.entropy, [P], domain=dirichlet_sampler, claim="info.entropy-chain-rule")
    agree(chain, lambda P: info.entropy(P.sum(axis=1)) + info.conditional_entropy(P), [P],
          domain=dirichlet_sampler, claim="info.entropy-chain-rule")


@SETTINGS
@given(distributions(k=6))
def test_entropy_chain_rule_property(flat):
    """claim info.entropy-chain-rule on hypothesis-generated 2x3 tables (zeros allowed): H(X,Y) = H(X) + H(Y|X)."""
    P = flat.reshape(2, 3)
    assert abs(info.entropy(P) - (info.entropy(P.sum(axis=1)) + info.conditional_entropy(P))) <= 1e-12
    assert info.conditional_entropy(P, base=2) == pytest.approx(info.conditional_entropy(P) / math.log(2),
                                                                rel=CLOSED_FORM_RTOL, abs=EXACT_ATOL)


def test_conditional_entropy_closed_forms(rng):
    """claim info.entropy-chain-rule: H(Y|X) = H(Y) for independent X, Y; 0 when Y is a function of X."""
    px, py = rng.dirichlet(np.ones(3)), rng.dirichlet(np.ones(4))
    assert info.conditional_entropy(np.outer(px, py)) == pytest.approx(info.entropy(py), rel=CLOSED_FORM_RTOL)
    assert info.conditional_entropy(np.diag(px)) == 0.0
    P = np.array([[0.25, 0.25], [0.5, 0.0]])                      # H(Y|X) = 0.5 log 2
    assert info.conditional_entropy(P, base=2) == pytest.approx(0.5, rel=CLOSED_FORM_RTOL)


def test_entropy_known_values_and_units():
    assert info.entropy(np.full(8, 1 / 8), base=2) == pytest.approx(3.0, rel=CLOSED_FORM_RTOL)
    assert info.entropy(np.array([0.0, 1.0, 0.0])) == 0.0            # 0 log 0 = 0, no NaN
    p = np.array([0.2, 0.3, 0.5])
    assert info.entropy(p, base=2) == pytest.approx(info.entropy(p) / math.log(2), rel=CLOSED_FORM_RTOL)


def test_cross_entropy_decomposition_agrees_with_sympy():
    """claim info.cross-entropy-decomposition: H(p, q) = H(p) + KL(p || q)."""
    p = sp.Matrix(1, 3, sp.symbols("p1:4", positive=True))
    q = sp.Matrix(1, 3, sp.symbols("q1:4", positive=True))
    ce = -sum(p[i] * sp.log(q[i]) for i in range(3))
    decomposed = -sum(p[i] * sp.log(p[i]) for i in range(3)) + sum(p[i] * sp.log(p[i] / q[i]) for i in range(3))
    derive(ce, (decomposed, "add and subtract sum p log p", "expand_log"), instance="3 outcomes")
    agree(ce, lambda p, q: info.cross_entropy(p.ravel(), q.ravel()), [p, q], domain=dirichlet_sampler,
          claim="info.cross-entropy-decomposition")
    agree(decomposed, lambda p, q: info.entropy(p.ravel()) + info.kl_divergence(p.ravel(), q.ravel()), [p, q],
          domain=dirichlet_sampler, claim="info.cross-entropy-decomposition")


@SETTINGS
@given(distributions(k=4), distributions(k=4, allow_zeros=False))
def test_cross_entropy_decomposition_property(p, q):
    """claim info.cross-entropy-decomposition on hypothesis-generated distributions (zeros in p allowed)."""
    lhs = info.cross_entropy(p, q)
    rhs = info.entropy(p) + info.kl_divergence(p, q)
    assert abs(lhs - rhs) <= CLOSED_FORM_RTOL * max(1.0, abs(lhs))


# ------------------------------------------------------------------------------------------- KL, Gibbs

@SETTINGS
@given(distributions(k=5), distributions(k=5))
def test_gibbs_inequality_property(p, q):
    """claim info.gibbs-inequality: KL(p || q) >= 0 and KL(p || p) = 0."""
    assert info.kl_divergence(p, q) >= -EXACT_ATOL
    assert info.kl_divergence(p, p) == 0.0


def test_gibbs_identity_needs_the_simplex_domain():
    """claim info.gibbs-inequality: with p_4 = 1 - p_1 - p_2 - p_3 (same for q) the step sum p log(p/q) =
    sum p (q/p - 1 + log(p/q)) is proved on the simplex, and refused without it (log(p_4/q_4) needs p_4/q_4 > 0)."""
    ps, qs = sp.symbols("p1:4", positive=True), sp.symbols("q1:4", positive=True)
    p4, q4 = [*ps, 1 - sum(ps)], [*qs, 1 - sum(qs)]
    kl = sum(a * sp.log(a / b) for a, b in zip(p4, q4))
    step = sum(a * (b / a - 1 + sp.log(a / b)) for a, b in zip(p4, q4))
    simplex = [("p, q on the simplex", [1 - sum(ps) > 0, 1 - sum(qs) > 0])]
    assert derive(kl, (step, "sum q - sum p = 0"), domain=simplex, instance="4 outcomes").kind == "instance"
    with pytest.raises(ProofError, match="the argument of a logarithm"):
        derive(kl, (step, "sum q - sum p = 0"))
    p, q = np.array([0.1, 0.2, 0.3, 0.4]), np.array([0.4, 0.3, 0.2, 0.1])
    values = dict(zip([*ps, *qs], [*p[:3], *q[:3]]))
    assert float(kl.subs(values)) == pytest.approx(info.kl_divergence(p, q), rel=CLOSED_FORM_RTOL)


def test_kl_equals_sum_of_p_g_ratio(rng):
    """claim info.gibbs-inequality: KL(p||q) = sum_i p_i g(q_i / p_i) with g(x) = x - 1 - log x >= 0."""
    p, q = rng.dirichlet(np.ones(6)), rng.dirichlet(np.ones(6))
    ratio = q / p
    assert info.kl_divergence(p, q) == pytest.approx(np.sum(p * (ratio - 1 - np.log(ratio))), rel=CLOSED_FORM_RTOL)


def test_kl_infinite_when_q_zero_where_p_positive_and_zero_terms_ignored():
    p, q = np.array([0.5, 0.5, 0.0]), np.array([1.0, 0.0, 0.0])
    with np.errstate(all="raise"):
        assert info.kl_divergence(p, q) == math.inf
        assert info.cross_entropy(p, q) == math.inf
        assert info.kl_divergence(q, p) == pytest.approx(math.log(2), rel=CLOSED_FORM_RTOL)  # 0 log(0/.) = 0


def test_kl_is_not_symmetric():
    p, q = np.array([0.5, 0.5]), np.array([0.9, 0.1])
    assert abs(info.kl_divergence(p, q) - info.kl_divergence(q, p)) > 0.1


# ------------------------------------------------------------------------------- MI and data processing

def test_mutual_information_agrees_with_sympy_and_is_symmetric():
    """claim info.mi-symmetric: I(X;Y) = H(X) + H(Y) - H(X,Y), the same with X and Y swapped."""
    P = sp.Matrix(2, 2, lambda i, j: sp.Symbol(f"p_{i}{j}", positive=True))
    px, py = [P[0, 0] + P[0, 1], P[1, 0] + P[1, 1]], [P[0, 0] + P[1, 0], P[0, 1] + P[1, 1]]
    mi = sum(P[i, j] * sp.log(P[i, j] / (px[i] * py[j])) for i in range(2) for j in range(2))
    via_entropies = (-sum(a * sp.log(a) for a in px) - sum(b * sp.log(b) for b in py)
                     + sum(p * sp.log(p) for p in P))
    derive(mi, (via_entropies, "I = H(X) + H(Y) - H(X,Y)", "expand_log"), instance="2 x 2")
    agree(mi, info.mutual_information, [P], domain=dirichlet_sampler, claim="info.mi-symmetric")
    agree(mi, lambda P: info.mutual_information(P.T), [P], domain=dirichlet_sampler, claim="info.mi-symmetric")


@SETTINGS
@given(distributions(k=12))
def test_mi_symmetric_and_nonnegative_property(flat):
    """claim info.mi-symmetric on hypothesis-generated 3x4 joint tables (zeros allowed)."""
    P = flat.reshape(3, 4)
    a, b = info.mutual_information(P), info.mutual_information(P.T)
    assert abs(a - b) <= EXACT_ATOL
    assert a >= -EXACT_ATOL
    hx, hy, hxy = info.entropy(P.sum(axis=1)), info.entropy(P.sum(axis=0)), info.entropy(P)
    assert abs(a - (hx + hy - hxy)) <= 1e-10
    assert abs(a - (hy - info.conditional_entropy(P))) <= 1e-10


def test_mutual_information_of_independent_table_is_zero(rng):
    P = np.outer(rng.dirichlet(np.ones(3)), rng.dirichlet(np.ones(4)))
    assert abs(info.mutual_information(P)) <= EXACT_ATOL


@SETTINGS
@given(st.integers(0, 2**32 - 1), st.integers(2, 5), st.integers(2, 5), st.integers(2, 5))
def test_data_processing_inequality_on_random_chains(seed, nx, ny, nz):
    """claim info.data-processing: for X -> Y -> Z, I(X;Z) <= I(X;Y) and I(X;Z|Y) = 0."""
    r = np.random.default_rng(seed)
    alpha = r.uniform(0.2, 2.0)
    pxyz = info.markov_chain_joint(r.dirichlet(np.full(nx, alpha)), r.dirichlet(np.full(ny, alpha), size=nx),
                                   r.dirichlet(np.full(nz, alpha), size=ny))
    ixy = info.mutual_information(pxyz.sum(axis=2))
    ixz = info.mutual_information(pxyz.sum(axis=1))
    assert ixz <= ixy + BOUND_ATOL
    i_xz_given_y = (info.entropy(pxyz.sum(axis=2)) + info.entropy(pxyz.sum(axis=0))
                    - info.entropy(pxyz.sum(axis=(0, 2))) - info.entropy(pxyz))
    assert abs(i_xz_given_y) <= 1e-10


def test_data_processing_fails_without_markov_structure(rng):
    """Without the chain the bound can fail: Z a copy of X, Y independent noise: I(X;Z) = log 2 > I(X;Y) = 0."""
    px = np.array([0.5, 0.5])
    pxyz = px[:, None, None] * np.full((2, 2, 1), 0.5) * np.eye(2)[:, None, :]   # Z copies X, Y independent
    assert info.mutual_information(pxyz.sum(axis=1)) > info.mutual_information(pxyz.sum(axis=2)) + 0.5


# ------------------------------------------------------------------------------------- Gaussian KLs

M1, M2 = sp.symbols("mu_1 mu_2", real=True)
S1, S2 = sp.symbols("sigma_1 sigma_2", positive=True)
KL_CLOSED = sp.log(S2 / S1) + (S1**2 + (M1 - M2) ** 2) / (2 * S2**2) - sp.Rational(1, 2)
SIGMA_DOMAIN = (0.3, 3.0)


def test_kl_gaussian_closed_form_is_the_integral():
    """claim info.kl-gaussian: the integral of p log(p/q), with x = mu_1 + sigma_1 t, is the closed form."""
    t = sp.Symbol("t", real=True)
    phi = sp.exp(-t**2 / 2) / sp.sqrt(2 * sp.pi)
    log_ratio = sp.log(S2 / S1) - t**2 / 2 + (M1 + S1 * t - M2) ** 2 / (2 * S2**2)
    integral = sp.integrate(phi * sp.expand(log_ratio), (t, -sp.oo, sp.oo))
    assert sp.simplify(integral - KL_CLOSED) == 0
    agree(KL_CLOSED, info.kl_gaussian, [M1, S1, M2, S2], domain={1: SIGMA_DOMAIN, 3: SIGMA_DOMAIN},
          claim="info.kl-gaussian")


def test_kl_gaussian_invariants(rng):
    """claim info.kl-gaussian: KL(p||p) = 0, KL >= 0, symmetric when the sigmas are equal."""
    mu, s = rng.standard_normal(10), rng.uniform(0.2, 3.0, 10)
    assert np.all(info.kl_gaussian(mu, s, mu, s) == 0.0)
    mu2, s2 = rng.standard_normal(10), rng.uniform(0.2, 3.0, 10)
    assert np.all(info.kl_gaussian(mu, s, mu2, s2) >= 0)
    np.testing.assert_allclose(info.kl_gaussian(mu, s, mu2, s), info.kl_gaussian(mu2, s, mu, s),
                               rtol=CLOSED_FORM_RTOL)


def test_kl_diagonal_is_sum_and_matches_full_covariance(rng):
    """claim info.kl-diagonal-gaussian: the sum of per-coordinate KLs, equal to kl_mvn with diagonal covariances."""
    mus = sp.Matrix(1, 3, sp.symbols("a1:4", real=True))
    sig = sp.Matrix(1, 3, sp.symbols("s1:4", positive=True))
    mus2 = sp.Matrix(1, 3, sp.symbols("b1:4", real=True))
    sig2 = sp.Matrix(1, 3, sp.symbols("r1:4", positive=True))
    total = sum(KL_CLOSED.subs({M1: mus[j], S1: sig[j], M2: mus2[j], S2: sig2[j]}) for j in range(3))
    agree(total, lambda a, s, b, r: info.kl_diagonal_gaussian(a.ravel(), s.ravel(), b.ravel(), r.ravel()),
          [mus, sig, mus2, sig2], domain=SIGMA_DOMAIN, claim="info.kl-diagonal-gaussian")
    m1, m2 = rng.standard_normal(4), rng.standard_normal(4)
    s1, s2 = rng.uniform(0.3, 2, 4), rng.uniform(0.3, 2, 4)
    assert info.kl_mvn(m1, np.diag(s1**2), m2, np.diag(s2**2)) == pytest.approx(
        info.kl_diagonal_gaussian(m1, s1, m2, s2), rel=CLOSED_FORM_RTOL)
    batch = info.kl_diagonal_gaussian(np.stack([m1, m2]), np.stack([s1, s2]), np.stack([m2, m1]),
                                      np.stack([s2, s1]))
    assert batch.shape == (2,)


def test_kl_diagonal_gaussian_vjp_agrees_with_sympy_and_gradcheck(rng):
    """claim info.kl-diagonal-gaussian: the four partial derivatives, symbolic and by finite differences."""
    grads = [sp.diff(KL_CLOSED, v) for v in (M1, S1, M2, S2)]
    for k, g in enumerate(grads):
        agree(g, lambda m1, s1, m2, s2, k=k: info.kl_diagonal_gaussian_vjp(
            1.0, np.array([m1]), np.array([s1]), np.array([m2]), np.array([s2]))[k][0],
            [M1, S1, M2, S2], domain={1: SIGMA_DOMAIN, 3: SIGMA_DOMAIN}, claim="info.kl-diagonal-gaussian")
    m1, m2 = rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
    s1, s2 = rng.uniform(0.5, 2, (3, 2)), rng.uniform(0.5, 2, (3, 2))
    gradcheck(info.kl_diagonal_gaussian, info.kl_diagonal_gaussian_vjp, [m1, s1, m2, s2],
              claim="info.kl-diagonal-gaussian")
    gradcheck(lambda m: info.kl_diagonal_gaussian(m, s1, m, s2),                       # input used twice
              lambda u, m: sum(info.kl_diagonal_gaussian_vjp(u, m, s1, m, s2)[i] for i in (0, 2)), [m1])
    wrong = gradcheck(info.kl_diagonal_gaussian, lambda u, *a: info.kl_diagonal_gaussian_vjp(-u, *a),
                      [m1, s1, m2, s2], check=False)
    assert not wrong.passed
    with pytest.raises(GradcheckError):
        gradcheck(info.kl_diagonal_gaussian, lambda u, *a: info.kl_diagonal_gaussian_vjp(2 * u, *a),
                  [m1, s1, m2, s2])


def test_agree_catches_a_wrong_gaussian_kl():
    wrong = lambda m1, s1, m2, s2: np.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s1**2) - 0.5  # noqa: E731
    with pytest.raises(AgreementError):
        agree(KL_CLOSED, wrong, [M1, S1, M2, S2], domain={1: SIGMA_DOMAIN, 3: SIGMA_DOMAIN})


def test_gaussian_entropy_is_the_integral():
    """claim info.information-dropout-kl: h(N(m, s^2)) = -int p log p = log(2 pi e)/2 + log s."""
    t = sp.Symbol("t", real=True)
    s = sp.Symbol("s", positive=True)
    phi = sp.exp(-t**2 / 2) / sp.sqrt(2 * sp.pi)
    h = sp.integrate(-phi * sp.expand_log(sp.log(phi / s)), (t, -sp.oo, sp.oo))    # density phi(t)/s, dx = s dt
    agree(h, info.gaussian_entropy, [s], domain=(0.05, 5.0), claim="info.information-dropout-kl")
    assert float(info.gaussian_entropy(1.0)) == pytest.approx(0.5 * math.log(2 * math.pi * math.e),
                                                              rel=CLOSED_FORM_RTOL)
    np.testing.assert_allclose(info.gaussian_entropy(np.array([0.5, 2.0])) - info.gaussian_entropy(1.0),
                               np.log([0.5, 2.0]), rtol=CLOSED_FORM_RTOL)
    with pytest.raises(ValueError, match="gaussian_entropy: sigma must be > 0"):
        info.gaussian_entropy(0.0)


def _kl_mp(m1, s1, m2, s2):
    """The Gaussian KL at 50 digits (mpmath), for the accuracy tests."""
    import mpmath

    with mpmath.workdps(50):
        m1, s1, m2, s2 = (mpmath.mpf(float(v)) for v in (m1, s1, m2, s2))
        return float(mpmath.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - mpmath.mpf(1) / 2)


@pytest.mark.parametrize("m1, s1, m2, s2, rtol", [
    (0.3, 1.2, -0.7, 0.5, 1e-14),            # ordinary parameters: full accuracy
    (0.0, 1.0, 0.0, 1.0 + 1e-6, 1e-9),       # nearly equal: t = 2 log r ~ 2e-6, relative error ~ eps / t
    (1.0, 2.0, 1.0 + 1e-5, 2.0, 1e-9),       # equal sigmas: only the mean term, no cancellation at all
    (0.0, 1e-3, 0.0, 1e3, 1e-14),            # very different scales
])
def test_kl_gaussian_accuracy_against_mpmath(m1, s1, m2, s2, rtol):
    """claim info.kl-gaussian: the cancellation-free form is accurate, also where the textbook form cancels."""
    expected = _kl_mp(m1, s1, m2, s2)
    got = float(info.kl_gaussian(m1, s1, m2, s2))
    assert abs(got - expected) <= rtol * abs(expected)
    diag = info.kl_diagonal_gaussian(np.array([m1, m1]), np.array([s1, s1]), np.array([m2, m2]), np.array([s2, s2]))
    assert abs(diag - 2 * expected) <= rtol * abs(2 * expected)


def test_vib_kl_term_matches_monte_carlo(rng):
    """The closed-form KL to N(0, I) equals E_q[log q(z) - log r(z)] estimated with z = mu + sigma xi."""
    mu, sigma = rng.standard_normal(3), rng.uniform(0.5, 1.5, 3)
    xi = rng.standard_normal((40000, 3))
    z = mu + sigma * xi
    log_ratio = np.sum(-0.5 * xi**2 - np.log(sigma) + 0.5 * z**2, axis=1)
    estimate, stderr = log_ratio.mean(), log_ratio.std() / np.sqrt(len(log_ratio))
    closed = info.kl_diagonal_gaussian(mu, sigma, np.zeros(3), np.ones(3))
    assert abs(estimate - closed) < MC_SIGMAS * stderr


# ------------------------------------------------------------------------------------------ eq (1), eq (2)

def test_eq1_empirical_cross_entropy_is_average_nll(rng):
    """claim info.eq1-empirical-nll: E_P(X,Y)[-log Phi] = -(1/n) log prod_i Phi(x_i)_{y_i} = softmax CE."""
    from mathdl import losses, softmax

    X, W, b = rng.standard_normal((30, 4)), rng.standard_normal((4, 3)), rng.standard_normal(3)
    y = rng.integers(0, 3, 30)
    logits = X @ W + b
    phi = softmax.softmax(logits)
    loss = info.empirical_cross_entropy(phi, y)
    nll = -np.log(np.prod(phi[np.arange(30), y])) / 30
    assert loss == pytest.approx(nll, rel=CLOSED_FORM_RTOL)
    assert loss == pytest.approx(losses.softmax_cross_entropy(logits, y), rel=CLOSED_FORM_RTOL)


def _regression(rng, n=15, d=3):
    X = rng.standard_normal((n, d))
    return X, X @ rng.standard_normal(d) + 0.5 * rng.standard_normal(n)


def test_eq2_negative_elbo_bounds_log_evidence_with_gap_kl(rng):
    """claim info.eq2-negative-elbo: -ELBO(q) = -log p(y|X) + KL(q || posterior) >= -log p(y|X)."""
    X, y = _regression(rng)
    noise, prior = 0.25, 2.0
    # estimation takes standard deviations; eq (2) here is written with variances
    m, S = estimation.bayesian_linear_posterior(X, y, sigma=np.sqrt(noise), tau=np.sqrt(prior))
    log_z = estimation.linear_log_evidence(X, y, sigma=np.sqrt(noise), tau=np.sqrt(prior))
    for _ in range(10):
        mu = m + 0.5 * rng.standard_normal(3)
        A = rng.standard_normal((3, 3))
        cov = 0.1 * A @ A.T + 0.01 * np.eye(3)
        neg_elbo = info.bayes_linear_negative_elbo(X, y, noise, prior, mu, cov)
        assert neg_elbo >= -log_z - BOUND_ATOL
        assert neg_elbo - (-log_z) == pytest.approx(info.kl_mvn(mu, cov, m, S), rel=1e-9)
    assert abs(info.bayes_linear_negative_elbo(X, y, noise, prior, m, S) + log_z) <= 1e-9 * abs(log_z)


def test_eq2_one_observation_identity_by_sympy():
    """claim info.eq2-negative-elbo: symbolically, E_q[-log lik] + KL(q||prior) = -log evidence + KL(q||post)."""
    x, y, m = sp.symbols("x y m", real=True)
    sig, s, v = sp.symbols("sigma s v", positive=True)
    kl = lambda a, b, c, d: KL_CLOSED.subs({M1: a, S1: b, M2: c, S2: d})  # noqa: E731
    enll = sp.log(2 * sp.pi * sig**2) / 2 + ((y - m * x) ** 2 + x**2 * v**2) / (2 * sig**2)
    prec = 1 / s**2 + x**2 / sig**2
    log_evidence = -sp.log(2 * sp.pi * (sig**2 + s**2 * x**2)) / 2 - y**2 / (2 * (sig**2 + s**2 * x**2))
    lhs = enll + kl(m, v, 0, s)
    rhs = -log_evidence + kl(m, v, (x * y / sig**2) / prec, 1 / sp.sqrt(prec))
    assert sp.simplify(lhs - rhs) == 0
    agree(lhs, lambda x, y, m, sig, s, v: info.bayes_linear_negative_elbo(
        np.array([[x]]), np.array([y]), sig**2, s**2, np.array([m]), np.array([[v**2]])),
        [x, y, m, sig, s, v], domain={3: (0.3, 2), 4: (0.3, 2), 5: (0.3, 2)}, claim="info.eq2-negative-elbo")
    agree(rhs, lambda x, y, m, sig, s, v: -estimation.linear_log_evidence(
              np.array([[x]]), np.array([y]), sigma=sig, tau=s)
          + info.kl_mvn(np.array([m]), np.array([[v**2]]), *estimation.bayesian_linear_posterior(
              np.array([[x]]), np.array([y]), sigma=sig, tau=s)),
          [x, y, m, sig, s, v], domain={3: (0.3, 2), 4: (0.3, 2), 5: (0.3, 2)}, claim="info.eq2-negative-elbo")


def test_eq2_lambda_scales_only_the_kl(rng):
    X, y = _regression(rng)
    m, S = estimation.bayesian_linear_posterior(X, y, sigma=np.sqrt(0.25), tau=np.sqrt(2.0))
    kl = info.kl_mvn(m, S, np.zeros(3), 2.0 * np.eye(3))
    a = info.bayes_linear_negative_elbo(X, y, 0.25, 2.0, m, S, lam=0.0)
    b = info.bayes_linear_negative_elbo(X, y, 0.25, 2.0, m, S, lam=3.0)
    assert b - a == pytest.approx(3 * kl, rel=1e-9)


# ------------------------------------------------------------------------------------------ bad input

@pytest.mark.parametrize("call, match", [
    (lambda: info.entropy(np.array([0.5, 0.6])), r"entropy: p sums to 1\.1, not 1"),
    (lambda: info.entropy(np.array([1.5, -0.5])), r"entropy: p has negative entries"),
    (lambda: info.entropy(np.array([])), r"entropy: p must be a non-empty"),
    (lambda: info.entropy(np.array([np.nan, 1.0])), r"entropy: p contains NaN"),
    (lambda: info.entropy(np.array([0.5, 0.5]), base=1), r"entropy: base must be a positive number other than 1"),
    (lambda: info.kl_divergence(np.array([0.5, 0.5]), np.array([0.2, 0.3, 0.5])), r"kl_divergence: p and q must "
                                                                                    r"have the same shape"),
    (lambda: info.cross_entropy(np.array([0.5, 0.5]), np.array([0.7, 0.7])), r"cross_entropy: q sums to 1\.4"),
    (lambda: info.mutual_information(np.array([0.5, 0.5])), r"mutual_information: pxy must be 2-D"),
    (lambda: info.markov_chain_joint(np.array([0.5, 0.5]), np.array([[0.5, 0.5]]), np.eye(2)),
     r"markov_chain_joint: shapes do not chain"),
    (lambda: info.markov_chain_joint(np.array([1.0]), np.array([[0.5, 0.6]]), np.eye(2)),
     r"every row of py_given_x must sum to 1"),
    (lambda: info.kl_gaussian(0.0, -1.0, 0.0, 1.0), r"kl_gaussian: sigma1 must be > 0"),
    (lambda: info.kl_gaussian(np.zeros(2), np.ones(3), np.zeros(2), np.ones(2)), r"kl_gaussian: all arguments must"),
    (lambda: info.kl_diagonal_gaussian(0.0, 1.0, 0.0, 1.0), r"kl_diagonal_gaussian: the arguments must be at least"),
    (lambda: info.kl_mvn(np.zeros(2), np.array([[1.0, 2.0], [2.0, 1.0]]), np.zeros(2), np.eye(2)),
     r"kl_mvn: cov1 must be positive definite"),
    (lambda: info.empirical_cross_entropy(np.array([[0.5, 0.5]]), np.array([2])), r"labels must lie in \[0, 2\)"),
    (lambda: info.empirical_cross_entropy(np.array([[0.5, 0.5]]), np.array([0.0])), r"y must be integer labels"),
    (lambda: info.bayes_linear_negative_elbo(np.ones((3, 2)), np.ones(2), 1.0, 1.0, np.zeros(2), np.eye(2)),
     r"need X \(n, d\) and y \(n,\)"),
])
def test_bad_input_is_refused_with_a_clear_message(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_type_errors():
    with pytest.raises(TypeError, match="entropy: p must be a numpy array"):
        info.entropy("0.5, 0.5")
    with pytest.raises(TypeError, match="entropy: p must hold real numbers"):
        info.entropy(np.array([0.5 + 0j, 0.5]))


def test_gaussian_kls_are_nonnegative_for_nearly_equal_distributions(rng):
    """Numeric defect (issue 8): log(s2/s1) + s1^2/(2 s2^2) - 1/2 cancels to small negative values when s1 ~ s2.
    The cancellation-free form 1/2 [(e^t - 1 - t) + (dmu)^2 / s2^2], t = log(s1^2 / s2^2), is >= 0 always."""
    mu = rng.standard_normal(20000)
    s1 = rng.uniform(0.2, 3.0, 20000)
    s2 = s1 * (1 + 1e-9 * rng.standard_normal(20000))
    assert np.all(info.kl_gaussian(mu, s1, mu, s2) >= 0)
    assert np.all(info.kl_diagonal_gaussian(mu[:, None], s1[:, None], mu[:, None], s2[:, None]) >= 0)


def test_units_and_boundaries_of_the_discrete_quantities(rng):
    """base=2 divides every discrete quantity by log 2; zero-probability outcomes of p are ignored even where q = 0;
    base 0 is refused."""
    p, q = rng.dirichlet(np.ones(4)), rng.dirichlet(np.ones(4))
    P = rng.dirichlet(np.ones(6)).reshape(2, 3)
    for f, args in ((info.cross_entropy, (p, q)), (info.kl_divergence, (p, q)), (info.mutual_information, (P,)),
                    (info.conditional_entropy, (P,)), (info.entropy, (p,))):
        assert f(*args, base=2) == pytest.approx(f(*args) / math.log(2), rel=CLOSED_FORM_RTOL)
    half = np.array([0.5, 0.5, 0.0])
    assert info.cross_entropy(half, half) == pytest.approx(math.log(2), rel=CLOSED_FORM_RTOL)   # 0 log 0 skipped
    assert info.kl_divergence(half, half) == 0.0
    with pytest.raises(ValueError, match="entropy: base must be a positive number"):
        info.entropy(p, base=0)
