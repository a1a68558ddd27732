/**
 * Eigenvalues of the symmetric 3x3 matrix `[[a00, a01, a02], [a01, a11, a12],
 * [a02, a12, a22]]`, in closed form, sorted in descending order (vigra's
 * order): `out[offset] >= out[offset + 1] >= out[offset + 2]`.
 *
 * Trigonometric solution of the characteristic cubic on the shifted, scaled
 * matrix `B = (A - q I) / p` with `q = trace / 3` and `p` the RMS of B's
 * entries (O. K. Smith, Comm. ACM 4(4), 1961): shifting first keeps the
 * cubic's coefficients well conditioned when the eigenvalues are large
 * compared to their spread, where the textbook coefficients (vigra's
 * `symmetric3x3Eigenvalues`) lose digits. Degenerate cases are exact: a
 * multiple of the identity (including zero) gives three equal eigenvalues,
 * a diagonal matrix gives its sorted diagonal, and rounding that pushes the
 * cosine argument out of [-1, 1] is clamped. Arithmetic is double precision.
 *
 * @param out - Receives the three eigenvalues at `offset`.
 * @see vigra `symmetric3x3Eigenvalues` (include/vigra/mathutil.hxx)
 */
export function symmetricEigenvalues3x3(
  a00: number,
  a01: number,
  a02: number,
  a11: number,
  a12: number,
  a22: number,
  out: { [i: number]: number },
  offset = 0,
): void {
  const off = a01 * a01 + a02 * a02 + a12 * a12;
  if (off === 0) {
    // Diagonal: sort three numbers.
    let e0 = a00;
    let e1 = a11;
    let e2 = a22;
    let t: number;
    if (e0 < e1) { t = e0; e0 = e1; e1 = t; }
    if (e1 < e2) { t = e1; e1 = e2; e2 = t; }
    if (e0 < e1) { t = e0; e0 = e1; e1 = t; }
    out[offset] = e0;
    out[offset + 1] = e1;
    out[offset + 2] = e2;
    return;
  }
  const q = (a00 + a11 + a22) / 3;
  const b00 = a00 - q;
  const b11 = a11 - q;
  const b22 = a22 - q;
  const p = Math.sqrt((b00 * b00 + b11 * b11 + b22 * b22 + 2 * off) / 6);
  // det(B) / (2 p^3), the cosine of 3 phi.
  const det = b00 * (b11 * b22 - a12 * a12) - a01 * (a01 * b22 - a12 * a02) + a02 * (a01 * a12 - b11 * a02);
  let r = det / (2 * p * p * p);
  if (r > 1) r = 1;
  else if (r < -1) r = -1;
  const phi = Math.acos(r) / 3;
  const c = Math.cos(phi);
  const s = Math.sqrt(Math.max(0, 1 - c * c));
  // cos(phi + 2pi/3) and cos(phi - 2pi/3) from cos and sin of phi; phi in [0, pi/3]
  // makes e0 >= e1 >= e2.
  const cPlus = -0.5 * c - 0.8660254037844386 * s;
  const cMinus = -0.5 * c + 0.8660254037844386 * s;
  out[offset] = q + 2 * p * c;
  out[offset + 1] = q + 2 * p * cMinus;
  out[offset + 2] = q + 2 * p * cPlus;
}

/**
 * Eigenvalues of the symmetric 2x2 matrix `[[a00, a01], [a01, a11]]`, sorted
 * in descending order (vigra's order): `(a00 + a11) / 2 +- hypot((a00 - a11) / 2, a01)`.
 * @see vigra `symmetric2x2Eigenvalues` (include/vigra/mathutil.hxx)
 */
export function symmetricEigenvalues2x2(
  a00: number,
  a01: number,
  a11: number,
  out: { [i: number]: number },
  offset = 0,
): void {
  const m = 0.5 * (a00 + a11);
  const d = Math.hypot(0.5 * (a00 - a11), a01);
  out[offset] = m + d;
  out[offset + 1] = m - d;
}

/**
 * Eigenvalues of a field of symmetric 3x3 (or 2x2) matrices stored as
 * component arrays, sorted descending per element.
 *
 * @param components - 3D: `[a00, a01, a02, a11, a12, a22]` (upper triangle,
 *   row by row); 2D: `[a00, a01, a11]`. Each holds `n` values (read from index
 *   `componentOffset`).
 * @param out - 3 (or 2) arrays receiving the eigenvalues, largest first, written from index 0.
 * @param n - Number of elements.
 */
export function tensorEigenvalues(
  components: readonly ArrayLike<number>[],
  out: readonly { [i: number]: number }[],
  n: number,
  componentOffset = 0,
): void {
  const tmp = new Float64Array(3);
  if (components.length === 6) {
    const [c00, c01, c02, c11, c12, c22] = components as [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>, ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
    const [o0, o1, o2] = out as [{ [i: number]: number }, { [i: number]: number }, { [i: number]: number }];
    for (let i = 0; i < n; i++) {
      const j = i + componentOffset;
      symmetricEigenvalues3x3(c00[j]!, c01[j]!, c02[j]!, c11[j]!, c12[j]!, c22[j]!, tmp, 0);
      o0[i] = tmp[0]!;
      o1[i] = tmp[1]!;
      o2[i] = tmp[2]!;
    }
  } else if (components.length === 3) {
    const [c00, c01, c11] = components as [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
    const [o0, o1] = out as [{ [i: number]: number }, { [i: number]: number }];
    for (let i = 0; i < n; i++) {
      const j = i + componentOffset;
      symmetricEigenvalues2x2(c00[j]!, c01[j]!, c11[j]!, tmp, 0);
      o0[i] = tmp[0]!;
      o1[i] = tmp[1]!;
    }
  } else {
    throw new RangeError(`\`components\` must hold 6 (3D) or 3 (2D) arrays, received ${components.length}`);
  }
}
