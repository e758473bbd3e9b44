/**
 * Hungarian algorithm (Kuhn-Munkres with row/column potentials, the O(n^3) shortest
 * augmenting path form) for the square assignment problem. Written here because no small,
 * maintained npm package covers it; scipy.optimize.linear_sum_assignment is the reference
 * the tests compare against.
 */

/**
 * Minimum-cost perfect assignment on an n x n cost matrix (row-major, cost[i * n + j]).
 * Returns assignment[i] = the column given to row i.
 */
export function minCostAssignment(cost: ArrayLike<number>, n: number): Int32Array {
  if (cost.length !== n * n) throw new Error(`cost matrix has ${cost.length} entries, expected ${n} x ${n}`);
  // 1-based arrays; column 0 is a virtual column holding the row being inserted.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const rowOfCol = new Int32Array(n + 1); // p[j]: row matched to column j (0 = none)
  const way = new Int32Array(n + 1);
  const minv = new Float64Array(n + 1);
  const used = new Uint8Array(n + 1);
  for (let i = 1; i <= n; i++) {
    rowOfCol[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = rowOfCol[j0];
      let delta = Infinity;
      let j1 = 0;
      const rowBase = (i0 - 1) * n - 1;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = cost[rowBase + j] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[rowOfCol[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (rowOfCol[j0] !== 0);
    // Flip the augmenting path.
    do {
      const j1 = way[j0];
      rowOfCol[j0] = rowOfCol[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const assignment = new Int32Array(n);
  for (let j = 1; j <= n; j++) assignment[rowOfCol[j] - 1] = j - 1;
  return assignment;
}

/** Maximum-weight perfect assignment: assignment[i] = the column given to row i. */
export function maxWeightAssignment(weight: ArrayLike<number>, n: number): Int32Array {
  const cost = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) cost[i] = -weight[i];
  return minCostAssignment(cost, n);
}
