// Readings of Furat et al.'s Table 1 and 4: which convention makes the paper's own
// model columns of Tables 2 and 3 come out.
import { bivariateCorrelation, bivariateModel } from "../../stats/bivariate.js";
import { createCopula } from "../../stats/copula/copula.js";
import type { CopulaSpec } from "../../stats/copula/types.js";
import type { Distribution } from "../../stats/distribution.js";
import { numericMoments } from "../../stats/distribution.js";
import { gev } from "../../stats/gev.js";
import { gevMinima, reflectRotation } from "../../stats/reflect.js";
import { normalMixture } from "../../stats/normalMixture.js";
import { beta } from "../../stats/beta.js";
import { invgauss } from "../../stats/invgauss.js";
import { truncate } from "../../stats/truncate.js";
import {
  PAPER2_PAIRS,
  PAPER2_TABLE1,
  PAPER2_TABLE4,
  paper2Marginal,
  type Paper2Characteristic,
  type Paper2Pair,
} from "./models.js";

/**
 * Model-column values of the paper's Tables 2 and 3 that this project has (as quoted
 * in issue 12; ../shared/PAPERS.md holds only the empirical columns), keyed as
 * `paper2Numbers`: `model_mean.c` and `model.s_c`.
 */
export const PAPER2_QUOTED_MODEL: Readonly<Record<string, number>> = {
  "model_mean.c": 0.79,
  "model.s_c": 0.9115,
};

/** One way of reading a characteristic's entry of Table 1, with its moments. */
export interface Paper2MarginalReading {
  /** Short id, e.g. `"minima"`; `"literal"` is the reading as printed. */
  id: string;
  /** What the reading assumes. */
  label: string;
  mean: number;
  std: number;
  /** The distribution, where the reading defines one that enters Table 3. */
  distribution?: Distribution;
}

/** The reading of each characteristic that `paper2Models({ reading: "adopted" })` uses. */
export const PAPER2_ADOPTED_READING: Readonly<Record<Paper2Characteristic, string>> = {
  d: "literal",
  s: "literal",
  c: "minima",
  e: "literal",
  phi: "literal",
  theta: "literal",
};

const of = (id: string, label: string, dist: Distribution): Paper2MarginalReading => ({
  id,
  label,
  mean: dist.mean(),
  std: Math.sqrt(dist.variance()),
  distribution: dist,
});

const fromPdf = (
  id: string,
  label: string,
  pdf: (x: number) => number,
  a: number,
  b: number,
): Paper2MarginalReading => {
  const m = numericMoments(pdf, a, b);
  return { id, label, mean: m.mean, std: Math.sqrt(m.variance) };
};

/** Density of a normal, for the mixture readings. */
const npdf = (x: number, mu: number, s: number): number =>
  Math.exp(-0.5 * ((x - mu) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));

function phiReadings(): Paper2MarginalReading[] {
  const { mu1, mu2, sigma1, sigma2, lambda } = PAPER2_TABLE1.phi.params;
  const pi = Math.PI;
  const mixture = (l: number): Distribution =>
    normalMixture({ mu1, mu2, sigma1, sigma2, lambda: l });
  const mass = (mu: number, s: number): number => {
    const n = normalMixture({ mu1: mu, mu2: mu, sigma1: s, sigma2: s, lambda: 0.5 });
    return n.cdf(pi) - n.cdf(-pi);
  };
  const m1 = mass(mu1, sigma1);
  const m2 = mass(mu2, sigma2);
  const wrapped = (x: number): number => {
    let f = 0;
    for (let j = -4; j <= 4; j++) f += mixture(lambda).pdf(x + 2 * pi * j);
    return f;
  };
  return [
    of(
      "literal",
      "Eq. 20: lambda N(mu1, sigma1^2) + (1 - lambda) N(mu2, sigma2^2), truncated to [-pi, pi) and renormalised",
      paper2Marginal("phi", PAPER2_TABLE1.phi.params),
    ),
    of(
      "weight-2",
      "lambda is the weight of the second component",
      truncate(mixture(1 - lambda), -pi, pi),
    ),
    fromPdf(
      "components-truncated",
      "each normal truncated to [-pi, pi) on its own, then mixed with weights lambda, 1 - lambda",
      (x) => (lambda * npdf(x, mu1, sigma1)) / m1 + ((1 - lambda) * npdf(x, mu2, sigma2)) / m2,
      -pi,
      pi,
    ),
    fromPdf("wrapped", "the mixture wrapped onto the circle [-pi, pi)", wrapped, -pi, pi),
    of("untruncated", "the mixture without truncation", mixture(lambda)),
  ];
}

/**
 * Every reading tried for each characteristic of Table 1, the literal one first:
 * parameter order (inverse Gaussian mu / lambda, beta a / b), GEV for maxima or
 * minima, the sign convention of k (the paper's Eq. 19 and MATLAB's `gevpdf` use k,
 * scipy's `genextreme` c = -k), truncation to [0, 1] or none, and for phi the weight,
 * truncation and wrapping of the mixture.
 */
export function paper2MarginalReadings(): Record<Paper2Characteristic, Paper2MarginalReading[]> {
  const t = PAPER2_TABLE1;
  const c = { ...t.c.params };
  const e = { ...t.e.params };
  return {
    d: [
      of(
        "literal",
        "IG(mu, lambda) as Eq. 17 (MATLAB and scipy parameterise the same law)",
        paper2Marginal("d", t.d.params),
      ),
      of(
        "swapped",
        "the two numbers in the other order, IG(mu = 4600, lambda = 513.8)",
        invgauss({ mu: t.d.params.lambda, lambda: t.d.params.mu }),
      ),
    ],
    s: [
      of(
        "literal",
        "Beta(a, b) as Eq. 18 (MATLAB betapdf(x, a, b), scipy beta(a, b))",
        paper2Marginal("s", t.s.params),
      ),
      of("swapped", "Beta(b, a)", beta({ a: t.s.params.b, b: t.s.params.a })),
    ],
    c: [
      of(
        "literal",
        "Eq. 19 with k = 0: Gumbel for maxima, truncated to [0, 1]",
        paper2Marginal("c", c),
      ),
      of("maxima-untruncated", "Gumbel for maxima, not truncated", gev(c)),
      of(
        "minima",
        "Gumbel for minima (MATLAB evpdf / fitdist 'ExtremeValue'), truncated to [0, 1]",
        paper2Marginal("c", c, "adopted"),
      ),
      of("minima-untruncated", "Gumbel for minima, not truncated", gevMinima(c)),
    ],
    e: [
      of(
        "literal",
        "Eq. 19 (= MATLAB gevpdf's k, scipy c = -k), truncated to [0, 1]",
        paper2Marginal("e", e),
      ),
      of("untruncated", "not truncated", gev(e)),
      of(
        "k-sign",
        "k read as scipy's c (k = +0.42), truncated to [0, 1]",
        truncate(gev({ ...e, k: -e.k }), 0, 1),
      ),
      of("minima", "GEV for minima, truncated to [0, 1]", truncate(gevMinima(e), 0, 1)),
    ],
    phi: phiReadings(),
    theta: [
      of("literal", "sin(theta) on [0, pi/2] (Eq. 21; no parameters)", paper2Marginal("theta", {})),
    ],
  };
}

/** One way of reading a pair's bivariate model (Table 1 marginals with Table 4's copula). */
export interface Paper2CorrelationReading {
  id: string;
  label: string;
  /** Correlation of the bivariate model (Eq. 24). */
  rho: number;
  spec: Required<CopulaSpec>;
}

/**
 * Every reading tried for each pair of Table 4: `literal` (literal marginals,
 * rotations as in VineCopula / vinecopulib), `adopted` (the adopted marginals),
 * `transposed` (rotations 90 and 270 exchanged: clockwise rotations, or the pair's
 * arguments in the other order; only where the rotation is 90 or 270) and
 * `c-reflected` (the copula of a pair with c fitted to -c, i.e. one margin reflected;
 * only for pairs with c), the last two with the adopted marginals. `adopted` is
 * listed only for pairs with c (for the others it is the literal reading).
 * @param pairs - Which pairs. @default all six
 */
export function paper2CorrelationReadings(
  pairs: readonly Paper2Pair[] = PAPER2_PAIRS,
): Partial<Record<Paper2Pair, Paper2CorrelationReading[]>> {
  const out: Partial<Record<Paper2Pair, Paper2CorrelationReading[]>> = {};
  for (const p of pairs) {
    const [x, y] = p.split("_") as [Paper2Characteristic, Paper2Characteristic];
    const spec = { ...PAPER2_TABLE4[p], params: [...PAPER2_TABLE4[p].params] };
    const rho = (reading: "literal" | "adopted", s: Required<CopulaSpec>): number =>
      bivariateCorrelation(
        bivariateModel(
          paper2Marginal(x, PAPER2_TABLE1[x].params, reading),
          paper2Marginal(y, PAPER2_TABLE1[y].params, reading),
          createCopula(s),
        ),
      );
    const rows: Paper2CorrelationReading[] = [
      {
        id: "literal",
        label: "Table 1 literal, Table 4 as printed",
        rho: rho("literal", spec),
        spec,
      },
    ];
    const withC = x === "c" || y === "c";
    // Without c the adopted marginals are the literal ones.
    if (withC)
      rows.push({
        id: "adopted",
        label: "Table 1 adopted (c for minima), Table 4 as printed",
        rho: rho("adopted", spec),
        spec,
      });
    if (spec.rotation === 90 || spec.rotation === 270) {
      const t = { ...spec, rotation: spec.rotation === 90 ? 270 : 90 } as Required<CopulaSpec>;
      rows.push({
        id: "transposed",
        label: `rotation ${t.rotation} instead of ${spec.rotation}`,
        rho: rho("adopted", t),
        spec: t,
      });
    }
    if (withC) {
      const r = { ...spec, rotation: reflectRotation(spec.rotation, x === "c" ? 1 : 2) };
      rows.push({
        id: "c-reflected",
        label: `copula of the reflected c (rotation ${r.rotation})`,
        rho: rho("adopted", r),
        spec: r,
      });
    }
    out[p] = rows;
  }
  return out;
}

/** The effect of one printed parameter's rounding on a model correlation. */
export interface Paper2RoundingRow {
  /** e.g. `"s.a"`, `"copula.kappa"`. */
  parameter: string;
  printed: number;
  /** Half a unit of the last printed digit. */
  halfUnit: number;
  /** (rho(printed + halfUnit) - rho(printed - halfUnit)) / 2. */
  effect: number;
}

const halfUnit = (v: number): number => {
  const text = String(v);
  const dot = text.indexOf(".");
  return 0.5 * 10 ** -(dot < 0 ? 0 : text.length - dot - 1);
};

/**
 * How far the printed rounding of Tables 1 and 4 moves a pair's model correlation
 * (adopted reading): each parameter moved by half a unit of its last printed digit
 * either way, one at a time. The shape k = 0 of c is a choice of family (Gumbel)
 * and is not varied. `bound` is the sum of the absolute effects (first order).
 * @param pair - The pair.
 */
export function paper2RoundingSensitivity(pair: Paper2Pair): {
  rho: number;
  rows: Paper2RoundingRow[];
  bound: number;
} {
  const [x, y] = pair.split("_") as [Paper2Characteristic, Paper2Characteristic];
  const base = PAPER2_TABLE4[pair];
  const rhoAt = (px: Record<string, number>, py: Record<string, number>, cp: number[]): number =>
    bivariateCorrelation(
      bivariateModel(
        paper2Marginal(x, px, "adopted"),
        paper2Marginal(y, py, "adopted"),
        createCopula({ ...base, params: cp }),
      ),
    );
  const px0 = { ...PAPER2_TABLE1[x].params } as Record<string, number>;
  const py0 = { ...PAPER2_TABLE1[y].params } as Record<string, number>;
  const cp0 = [...base.params];
  const rows: Paper2RoundingRow[] = [];
  const vary = (name: string, printed: number, at: (v: number) => number): void => {
    const h = halfUnit(printed);
    rows.push({
      parameter: name,
      printed,
      halfUnit: h,
      effect: (at(printed + h) - at(printed - h)) / 2,
    });
  };
  for (const [side, p0] of [
    [x, px0],
    [y, py0],
  ] as const) {
    for (const name of Object.keys(p0)) {
      if (side === "c" && name === "k") continue;
      vary(`${side}.${name}`, p0[name]!, (v) =>
        side === x
          ? rhoAt({ ...px0, [name]: v }, py0, cp0)
          : rhoAt(px0, { ...py0, [name]: v }, cp0),
      );
    }
  }
  ["kappa", "delta"].forEach((name, i) =>
    vary(`copula.${name}`, cp0[i]!, (v) =>
      rhoAt(
        px0,
        py0,
        cp0.map((c, j) => (j === i ? v : c)),
      ),
    ),
  );
  return {
    rho: rhoAt(px0, py0, cp0),
    rows,
    bound: rows.reduce((s, r) => s + Math.abs(r.effect), 0),
  };
}
