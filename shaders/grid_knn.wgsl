// The k-NN output's regions over the grid: each vertex classified by its k nearest training points in the
// last representation, each voting 1/(distance + eps) for its class (twin: knnVotes and knnClass in
// src/engine/knnTwin.ts). Reads the grid's and the training points' layer buffers (the grid transform's
// layout: src/engine/types.ts); writes (class, its share of the votes) per vertex.

struct KnnUniforms {
  count: u32,       // grid vertices
  n_train: u32,
  k: u32,
  classes: u32,
  width: u32,       // units of the last representation
  grid_at: u32,     // where it starts in the grid's layer buffer
  train_at: u32,    // and in the training points'
  row_width: u32,   // invocations per row of the 2-D dispatch
  epsilon: f32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

const MAX_K: u32 = 64u;
const MAX_CLASSES: u32 = 32u;

@group(0) @binding(0) var<uniform> q: KnnUniforms;
@group(0) @binding(1) var<storage, read> grid_layers: array<f32>;
@group(0) @binding(2) var<storage, read> train_layers: array<f32>;
@group(0) @binding(3) var<storage, read> labels: array<f32>;
@group(0) @binding(4) var<storage, read_write> regions: array<f32>;  // (count, 2)

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let v = id.x + id.y * q.row_width;
  if (v >= q.count) { return; }
  var near_d: array<f32, MAX_K>;
  var near_j: array<u32, MAX_K>;
  var found = 0u;
  for (var j = 0u; j < q.n_train; j++) {
    var s = 0.0;
    for (var u = 0u; u < q.width; u++) {
      let d = grid_layers[q.grid_at + v * q.width + u] - train_layers[q.train_at + j * q.width + u];
      s += d * d;
    }
    let d = sqrt(s);
    if (found == q.k && d >= near_d[found - 1u]) { continue; }
    // Sorted by distance, the earlier point first on a tie: insert after every equal one.
    var at = select(found, found - 1u, found == q.k);
    if (found < q.k) { found += 1u; }
    while (at > 0u && near_d[at - 1u] > d) {
      near_d[at] = near_d[at - 1u];
      near_j[at] = near_j[at - 1u];
      at -= 1u;
    }
    near_d[at] = d;
    near_j[at] = j;
  }
  var votes: array<f32, MAX_CLASSES>;
  var total = 0.0;
  for (var i = 0u; i < found; i++) {
    let w = 1.0 / (near_d[i] + q.epsilon);
    votes[u32(round(labels[near_j[i]]))] += w;
    total += w;
  }
  var best = 0u;
  for (var c = 1u; c < q.classes; c++) { if (votes[c] > votes[best]) { best = c; } }
  regions[2u * v] = f32(best);
  regions[2u * v + 1u] = select(0.0, votes[best] / total, total > 0.0);
}
