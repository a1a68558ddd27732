// Block kernels used by the mapBlocks tests. Plain JavaScript so worker
// threads can import it directly (kernels must be compiled modules).

/** Output = input 0 (the core of the padded block). */
export function copy(ctx) {
  shift({ ...ctx, params: { dz: 0, dy: 0, dx: 0 } });
}

/**
 * Output voxel (z, y, x) = padded input at (z + dz, y + dy, x + dx) relative
 * to the core, so border voxels show the boundary extension.
 */
export function shift(ctx) {
  const { dz, dy, dx } = ctx.params;
  const padded = ctx.inputs[0].read();
  const [, py, px] = ctx.paddedShape;
  const [cz, cy, cx] = ctx.shape;
  const [hz, hy, hx] = ctx.halo;
  const core = new Float64Array(cz * cy * cx);
  for (let z = 0; z < cz; z++)
    for (let y = 0; y < cy; y++)
      for (let x = 0; x < cx; x++)
        core[(z * cy + y) * cx + x] =
          padded[((z + hz + dz) * py + (y + hy + dy)) * px + (x + hx + dx)];
  ctx.outputs[0].write(core);
}

/** Channel c = (c + 1) * sum of the inputs at the voxel. */
export function scaledSum(ctx) {
  const [hz, hy, hx] = ctx.halo;
  const [, py, px] = ctx.paddedShape;
  const [cz, cy, cx] = ctx.shape;
  const padded = ctx.inputs.map((input) => input.read().slice());
  ctx.outputs.forEach((out, c) => {
    const core = new Float64Array(cz * cy * cx);
    for (let z = 0; z < cz; z++)
      for (let y = 0; y < cy; y++)
        for (let x = 0; x < cx; x++) {
          let s = 0;
          for (const p of padded) s += p[((z + hz) * py + y + hy) * px + x + hx];
          core[(z * cy + y) * cx + x] = (c + 1) * s;
        }
    out.write(core);
  });
}

/** Throws on block `params.index`, copies otherwise. */
export function failAt(ctx) {
  if (ctx.index === ctx.params.index) throw new RangeError("kernel refused this block");
  copy(ctx);
}

/** Busy-waits `params.ms` milliseconds, then fills the core with 1. */
export function slow(ctx) {
  const end = Date.now() + ctx.params.ms;
  while (Date.now() < end) {
    // spin: a CPU-bound block
  }
  const [cz, cy, cx] = ctx.shape;
  ctx.outputs[0].write(new Float32Array(cz * cy * cx).fill(1));
}

/** Writes the block index + 1 to the core, after an async pause. */
export async function indexAsync(ctx) {
  await new Promise((resolve) => setTimeout(resolve, 1));
  const [cz, cy, cx] = ctx.shape;
  ctx.outputs[0].write(new Float32Array(cz * cy * cx).fill(ctx.index + 1));
}

/**
 * Side-effect kernel for forEachBlock: adds 1 to `params.hits` (a shared
 * Int32Array of the volume's size) at every core voxel and records the
 * number of output channels it got, and the sum of the padded block's
 * centre, in `params.seen[index]`; throws on block `params.failAt`.
 */
export function markCore(ctx) {
  if (ctx.index === ctx.params.failAt) throw new TypeError("kernel refused this block");
  const [cz, cy, cx] = ctx.shape;
  const [, ny, nx] = ctx.volumeShape;
  const [oz, oy, ox] = ctx.origin;
  for (let z = 0; z < cz; z++)
    for (let y = 0; y < cy; y++)
      for (let x = 0; x < cx; x++)
        Atomics.add(ctx.params.hits, ((oz + z) * ny + oy + y) * nx + ox + x, 1);
  ctx.params.seen[ctx.index] = ctx.outputs.length + 1;
}
