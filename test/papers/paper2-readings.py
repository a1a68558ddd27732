"""Reference values for the readings of Furat et al.'s Tables 1 and 4 (test/papers/paper2-readings.test.ts).

Writes test/papers/paper2-readings.json with the mean and standard deviation of every
reading of Table 1 (kernel-lib/src/papers/paper2/readings.ts) from scipy.stats densities
integrated with scipy.integrate.quad (truncations renormalised by quad, not by cdfs), and
the correlation of the (s, c) model (Eq. 24) under the literal and the adopted reading,
by Hoeffding's identity with the BB1 copula CDF written out here and scipy's dblquad.

Needs numpy and scipy (Debian's python3-scipy). Run from the repository root:

    /usr/bin/python3 test/papers/paper2-readings.py
"""

import json
import math
import os

import numpy as np
import scipy
from scipy import integrate, stats

PI = math.pi
OUT = os.path.join(os.path.dirname(__file__), "paper2-readings.json")


def moments(pdf, a, b, points=None):
    """Mean and std of the density pdf restricted to [a, b] and renormalised."""
    kw = {"limit": 400, "epsabs": 1e-13, "epsrel": 1e-12}
    if points is not None:
        kw["points"] = points
    z = integrate.quad(pdf, a, b, **kw)[0]
    m = integrate.quad(lambda x: x * pdf(x), a, b, **kw)[0] / z
    v = integrate.quad(lambda x: (x - m) ** 2 * pdf(x), a, b, **kw)[0] / z
    return {"mean": m, "std": math.sqrt(v)}


def gev_max(k, mu, sigma):
    return stats.genextreme(c=-k, loc=mu, scale=sigma)


def gev_min_pdf(k, mu, sigma):
    g = stats.genextreme(c=-k, loc=-mu, scale=sigma)
    return lambda x: g.pdf(-x)


def main():
    out = {"generator": "test/papers/paper2-readings.py",
           "versions": {"numpy": np.__version__, "scipy": scipy.__version__}, "marginal": {}}
    M = out["marginal"]
    ig = lambda mu, lam: stats.invgauss(mu / lam, scale=lam)
    M["d"] = {"literal": moments(ig(513.8, 4600).pdf, 0, 5000, [513.8]),
              "swapped": {"mean": ig(4600, 513.8).mean(), "std": ig(4600, 513.8).std()}}
    M["s"] = {"literal": moments(stats.beta(40.1, 7.2).pdf, 0, 1),
              "swapped": moments(stats.beta(7.2, 40.1).pdf, 0, 1)}
    c = (0, 0.82, 0.048)
    M["c"] = {"literal": moments(gev_max(*c).pdf, 0, 1, [0.82]),
              "maxima-untruncated": moments(gev_max(*c).pdf, -1, 3, [0.82]),
              "minima": moments(stats.gumbel_l(loc=0.82, scale=0.048).pdf, 0, 1, [0.82]),
              "minima-untruncated": moments(gev_min_pdf(*c), -3, 1.5, [0.82])}
    e = (-0.42, 0.72, 0.086)
    M["e"] = {"literal": moments(gev_max(*e).pdf, 0, 1, [0.72]),
              "untruncated": moments(gev_max(*e).pdf, -2, 1.5, [0.72]),
              "k-sign": moments(gev_max(0.42, 0.72, 0.086).pdf, 0, 1, [0.72]),
              "minima": moments(gev_min_pdf(*e), 0, 1, [0.72])}
    mu1, mu2, s1, s2, lam = -1.7, 1.6, 1.0, 0.8, 0.4
    n1, n2 = stats.norm(mu1, s1), stats.norm(mu2, s2)
    mix = lambda w: (lambda x: w * n1.pdf(x) + (1 - w) * n2.pdf(x))
    m1, m2 = n1.cdf(PI) - n1.cdf(-PI), n2.cdf(PI) - n2.cdf(-PI)
    M["phi"] = {"literal": moments(mix(lam), -PI, PI),
                "weight-2": moments(mix(1 - lam), -PI, PI),
                "components-truncated": moments(lambda x: lam * n1.pdf(x) / m1 + (1 - lam) * n2.pdf(x) / m2, -PI, PI),
                "wrapped": moments(lambda x: sum(mix(lam)(x + 2 * PI * j) for j in range(-6, 7)), -PI, PI),
                "untruncated": moments(mix(lam), -30, 30)}
    M["theta"] = {"literal": moments(math.sin, 0, PI / 2)}

    # rho(s, c): s ~ Beta(40.1, 7.2), c truncated Gumbel (maxima / minima), BB1(0.36, 3.13) rotated 180.
    th, de = 0.36, 3.13

    def bb1(u, v):
        if u <= 0 or v <= 0:
            return 0.0
        t = ((u ** -th - 1) ** de + (v ** -th - 1) ** de) ** (1 / de)
        return (1 + t) ** (-1 / th)

    def c180(u, v):
        return u + v - 1 + bb1(1 - u, 1 - v)

    fs = stats.beta(40.1, 7.2)
    ms = moments(fs.pdf, 0, 1)
    out["rho_s_c"] = {}
    for name, base in (("literal", stats.gumbel_r(loc=0.82, scale=0.048)),
                       ("adopted", stats.gumbel_l(loc=0.82, scale=0.048))):
        mass = base.cdf(1) - base.cdf(0)
        fc = lambda y, base=base, mass=mass: (base.cdf(y) - base.cdf(0)) / mass
        mc = moments(base.pdf, 0, 1, [0.82])
        cov = integrate.dblquad(lambda y, x: c180(fs.cdf(x), fc(y)) - fs.cdf(x) * fc(y),
                                0, 1, 0, 1, epsabs=1e-10, epsrel=1e-9)[0]
        out["rho_s_c"][name] = cov / (ms["std"] * mc["std"])
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(json.dumps(out["rho_s_c"]))


if __name__ == "__main__":
    main()
