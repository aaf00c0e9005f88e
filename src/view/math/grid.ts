/**
 * The grid of the input space that the network bends: its vertices, the line segments between them and
 * the triangles of the shaded surface. A 2-D input gets a G x G grid; a 1-D input a line of points; a 3-D
 * input a coarser lattice (lines only).
 */

export interface GridBounds {
  min: number[];
  max: number[];
}

export interface GridGeometry {
  inputSize: number;
  /** Vertices per axis. */
  size: number;
  count: number;
  /** Vertex coordinates, inputSize floats each.  (count, inputSize) */
  points: Float32Array;
  /** Pairs of vertex indices, one pair per line segment. */
  lines: Uint32Array;
  /** Triples of vertex indices (2-D input only; empty otherwise). */
  triangles: Uint32Array;
  /**
   * The network's input at each vertex when feature inputs extend the coordinates (src/data/features.ts):
   * (count, inputSize + features) floats. Absent: the coordinates are the input (`gridInputs`).
   */
  inputs?: Float32Array;
}

/** What the network takes at each grid vertex: the expanded inputs where features are on, else the points. */
export function gridInputs(grid: GridGeometry): Float32Array {
  return grid.inputs ?? grid.points;
}

/** The lattice size of a 3-D input for a 2-D density G: about as many line vertices as the G x G grid. */
export function latticeSize(gridSize: number): number {
  return Math.max(4, Math.round(Math.cbrt(gridSize * gridSize * 0.5)));
}

export function makeGrid(bounds: GridBounds, inputSize: number, gridSize: number): GridGeometry {
  if (inputSize === 1) return lineGrid(bounds, gridSize * 4);
  if (inputSize === 3) return lattice(bounds, latticeSize(gridSize));
  return planeGrid(bounds, gridSize);
}

/** Lines and triangles of a G x G vertex grid: vertex (i, j) is j * G + i. */
function planeGrid(b: GridBounds, g: number): GridGeometry {
  const count = g * g;
  const points = new Float32Array(count * 2);
  for (let j = 0; j < g; j++) {
    for (let i = 0; i < g; i++) {
      points[(j * g + i) * 2] = b.min[0] + ((b.max[0] - b.min[0]) * i) / (g - 1);
      points[(j * g + i) * 2 + 1] = b.min[1] + ((b.max[1] - b.min[1]) * j) / (g - 1);
    }
  }
  const lines = new Uint32Array(4 * g * (g - 1));
  let p = 0;
  for (let j = 0; j < g; j++) {
    for (let i = 0; i < g - 1; i++) {
      lines[p++] = j * g + i;
      lines[p++] = j * g + i + 1;
      lines[p++] = i * g + j;
      lines[p++] = (i + 1) * g + j;
    }
  }
  const triangles = new Uint32Array(6 * (g - 1) * (g - 1));
  p = 0;
  for (let j = 0; j < g - 1; j++) {
    for (let i = 0; i < g - 1; i++) {
      const a = j * g + i;
      triangles[p++] = a;
      triangles[p++] = a + 1;
      triangles[p++] = a + g;
      triangles[p++] = a + 1;
      triangles[p++] = a + g + 1;
      triangles[p++] = a + g;
    }
  }
  return { inputSize: 2, size: g, count, points, lines, triangles };
}

function lineGrid(b: GridBounds, n: number): GridGeometry {
  const points = new Float32Array(n);
  for (let i = 0; i < n; i++) points[i] = b.min[0] + ((b.max[0] - b.min[0]) * i) / (n - 1);
  const lines = new Uint32Array(2 * (n - 1));
  for (let i = 0; i < n - 1; i++) {
    lines[2 * i] = i;
    lines[2 * i + 1] = i + 1;
  }
  return { inputSize: 1, size: n, count: n, points, lines, triangles: new Uint32Array(0) };
}

function lattice(b: GridBounds, g: number): GridGeometry {
  const count = g * g * g;
  const points = new Float32Array(count * 3);
  const index = (i: number, j: number, k: number): number => (k * g + j) * g + i;
  for (let k = 0; k < g; k++) {
    for (let j = 0; j < g; j++) {
      for (let i = 0; i < g; i++) {
        const v = index(i, j, k) * 3;
        points[v] = b.min[0] + ((b.max[0] - b.min[0]) * i) / (g - 1);
        points[v + 1] = b.min[1] + ((b.max[1] - b.min[1]) * j) / (g - 1);
        points[v + 2] = b.min[2] + ((b.max[2] - b.min[2]) * k) / (g - 1);
      }
    }
  }
  const lines = new Uint32Array(6 * g * g * (g - 1));
  let p = 0;
  for (let a = 0; a < g; a++) {
    for (let c = 0; c < g; c++) {
      for (let i = 0; i < g - 1; i++) {
        lines[p++] = index(i, a, c);
        lines[p++] = index(i + 1, a, c);
        lines[p++] = index(a, i, c);
        lines[p++] = index(a, i + 1, c);
        lines[p++] = index(a, c, i);
        lines[p++] = index(a, c, i + 1);
      }
    }
  }
  return { inputSize: 3, size: g, count, points, lines, triangles: new Uint32Array(0) };
}

/** The bounds padded by a fraction of their extent on every side (and never empty). */
export function padBounds(b: GridBounds, fraction: number): GridBounds {
  const min: number[] = [];
  const max: number[] = [];
  for (let i = 0; i < b.min.length; i++) {
    const extent = Math.max(b.max[i] - b.min[i], 1e-3);
    min.push(b.min[i] - fraction * extent);
    max.push(b.max[i] + fraction * extent);
  }
  return { min, max };
}

/** A few grid vertices spread evenly, edges and corners included (for framing the camera). */
export function probeVertices(grid: GridGeometry, perSide: number): number[] {
  const pick = (n: number, k: number): number[] =>
    Array.from(new Set(Array.from({ length: k }, (_, i) => Math.round((i * (n - 1)) / Math.max(1, k - 1)))));
  const g = grid.size;
  if (grid.inputSize === 1) return pick(grid.count, perSide * perSide);
  if (grid.inputSize === 2) {
    const axis = pick(g, perSide);
    return axis.flatMap((j) => axis.map((i) => j * g + i));
  }
  const axis = pick(g, Math.max(2, Math.round(perSide / 2)));
  return axis.flatMap((k) => axis.flatMap((j) => axis.map((i) => (k * g + j) * g + i)));
}
