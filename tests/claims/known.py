"""Verdicts other than ``verified`` that are results, kept and reported rather than hidden.

Each entry: claim id → (the verdict the ``ci`` profile gives, why it is a result and not a bug). The
claims tier checks that the verdict is still exactly this one; the report shows the counterexample.
"""

KNOWN_VERDICTS: dict[str, tuple[str, str]] = {
    "poggio2020.kkt_residual_shrinks": (
        "refuted",
        "a finding of ours, not the paper's claim: the factor 3/4 is our practical constant, chosen from 80 measured "
        "seeds; the engine's new search found a seed whose KKT residual fell only to 0.92 of its first value within "
        "the horizon (K = 2, m = 3, teacher data). The paper says the residual tends to 0, which a fixed-horizon "
        "factor cannot encode: its own KKT statement is issue 17's",
    ),
    "gao2022.linear_rate": (
        "refuted",
        "with lambda0 and the step from the infinite-width NTK (issue 15: no longer the trained network's own "
        "lambda_min(K(0))), the adversarial corner N = 6, coherence 0.5, gamma = 0.3, eta = 1/lambda_max(K_inf) "
        "leaves the envelope (1 - eta lambda0/2)^k at the declared width m = max(16, 2N) = 16 (13 of 49 seeds; 25 of "
        "98 on replication); m = 32 held. The constant 2 in m >= 2N is ours (the paper hides it in m = Omega(N)): "
        "a refutation of our practical regime, kept as declared",
    ),
    "nitanda2019.horizon_at_large_n": (
        "refuted",
        "a finding of ours: the setting that capped n in gd_zero_error. At n = 128, d = 3, gap 0.1, eta = 1 and the "
        "regime's width 64, 47 of 49 seeds keep a misclassified point after the horizon T (33 of 49 after 4T); at "
        "width 256 all fit: the width chosen at n <= 16 does not carry over",
    ),
    "zou2020.gaussian_width_free_threshold": (
        "refuted",
        "a finding of ours (issue 16, item 3): the width from which GD from zero with Gaussian A, B stays under the "
        "width-free envelope (1 - eta_frac/(e kappa))^t (L(0) - L*) is 16 in every failing example, whatever kappa "
        "(1 to 10) and depth (1 to 16): it is set by d and k (the spread of the singular values of A and B), not by "
        "k r kappa^2 (1 to 400 here). The declared regime m >= m_cond (the theorem's condition width with C = 1, "
        "computed from the data) is below it for small kappa: at d = 1, k = 2, n = 1, L = 1, kappa = 1, eta_frac = 1 "
        "and m = 4 >= m_cond = 1.67, sigma_min(B) = 0.46 and L(t) - L* = 0.187 at t = 8 against the envelope's "
        "0.0064 (3 of 8 seeds); m = 16 held in every example",
    ),
}
