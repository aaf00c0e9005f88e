/**
 * The k-NN output's decision regions on the CPU (the WebGL2 fallback; the GPU runs engine/knnGrid.ts):
 * each grid vertex classified by its k nearest training points in the last representation, each voting
 * 1/(distance + ε) for its class, as the twin's knnVotes and knnClass (engine/knnTwin.ts) and the shader
 * do: the nearest first, the earlier training point first on a tie, the lowest class on a tied vote.
 * Writes (class, that class's share of the votes) per vertex, the layout of KnnGrid.regionBuffer.
 */
import type { NetworkSpec } from '../../engine/spec';
import type { LayerBufferLayout } from '../../engine/types';
import { kNearest, knnClass, nearestVotes } from '../../engine/knnTwin';
import { forwardInto, layerLayout } from './forward';

/** The training points a k-NN view votes with: inputs as the network takes them, and their classes. */
export interface KnnReference {
  x: Float32Array;
  y: ArrayLike<number>;
  count: number;
  classes: number;
}

export class KnnRegions {
  private readonly layout: LayerBufferLayout;
  private readonly data: Float32Array;
  private readonly nearD: Float64Array;
  private readonly nearJ: Int32Array;
  private readonly votes: Float64Array;

  constructor(
    private readonly spec: NetworkSpec,
    private readonly ref: KnnReference,
  ) {
    if (!spec.knn) throw new Error('KnnRegions: the network has no k-NN output');
    this.layout = layerLayout(spec, Math.max(1, ref.count));
    this.data = new Float32Array(this.layout.totalFloats);
    this.nearD = new Float64Array(spec.knn.k);
    this.nearJ = new Int32Array(spec.knn.k);
    this.votes = new Float64Array(Math.max(2, ref.classes));
  }

  /**
   * Regions of `count` vertices whose layers (the grid transform's layout) are in `layers`, for weights
   * `params`: (class, share) per vertex into `out`.
   */
  compute(
    params: ArrayLike<number>,
    layers: Float32Array,
    layout: LayerBufferLayout,
    count: number,
    out: Float32Array,
  ): void {
    const { spec, ref, data, nearD, nearJ, votes } = this;
    const { k, epsilon } = spec.knn!;
    forwardInto(spec, params, ref.x, ref.count, this.layout, data);
    const last = layout.offset.length - 1;
    const width = layout.width[last];
    const at = layout.offset[last];
    const trainAt = this.layout.offset[last];
    const n = ref.count;
    for (let v = 0; v < count; v++) {
      const found = kNearest(layers, at + v * width, data, trainAt, n, width, k, -1, nearD, nearJ);
      const total = nearestVotes(found, nearD, nearJ, ref.y, epsilon, votes);
      const best = knnClass(votes);
      out[2 * v] = best;
      out[2 * v + 1] = total > 0 ? votes[best] / total : 0;
    }
  }
}

/**
 * Shading of a vertex from its k-NN region: the class's colour, as strong as the vote is clear, and the
 * margin 2·share − 1 (the best class's share less the rest's: exactly best − second with two classes),
 * whose zero is the decision boundary the surface draws as a contour.
 */
export function regionMargin(share: number): number {
  return 2 * share - 1;
}
