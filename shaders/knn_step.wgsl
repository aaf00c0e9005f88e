// colah's k-NN output on the general path (twin: knnBatchLoss in src/engine/knnTwin.ts). Each batch element
// i is classified by the others j, weighted by w_ij = 1/(|h_i - h_j| + eps); L_i = log S_all - log S_same.
// A step is knn_forward, knn_sums, knn_delta, knn_backward, then the general path's gradient, update and
// advance. Per slot, after the general path's (values, deltas, loss): S_all, S_same.
// KNN_EPSILON is set by the engine (src/engine/codegenGeneral.ts).
const KNN_EPSILON: f32 = 0.001;

fn knn_sums_at(slot: u32) -> u32 { return slot * stride() + net.value_count + net.unit_count + 1u; }

fn knn_label(slot: u32, batch: BatchRange) -> f32 {
  let epoch = state.step / u.steps_per_epoch;
  return ys[permute(batch.lo + slot, u.n_train, epoch_key(u.seed, epoch), u.index_bits)];
}

// |h_a - h_b| between two slots' outputs, as knn_forward left them.
fn knn_distance(a: u32, b: u32) -> f32 {
  let out = net.layers[net.layer_count - 1u];
  var s = 0.0;
  for (var k = 0u; k < out.units; k++) {
    let d = scratch[a * stride() + out.out_offset + k] - scratch[b * stride() + out.out_offset + k];
    s += d * d;
  }
  return sqrt(s);
}

@compute @workgroup_size(64)
fn knn_forward(@builtin(global_invocation_id) id: vec3<u32>) {
  let slot = id.x;
  let batch = current_batch();
  if (slot >= batch.count || state.diverged_step != NONE) { return; }
  let epoch = state.step / u.steps_per_epoch;
  let idx = permute(batch.lo + slot, u.n_train, epoch_key(u.seed, epoch), u.index_bits);
  var pre: array<f32, MAX_VALUES>;
  var post: array<f32, MAX_VALUES>;
  forward_values(idx * net.input_size, &pre, &post);
  for (var k = 0u; k < net.value_count; k++) { scratch[slot * stride() + k] = post[k]; }
}

@compute @workgroup_size(64)
fn knn_sums(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.x;
  let batch = current_batch();
  if (i >= batch.count || state.diverged_step != NONE) { return; }
  let yi = knn_label(i, batch);
  var all = 0.0;
  var same = 0.0;
  for (var j = 0u; j < batch.count; j++) {
    if (j == i) { continue; }
    let w = 1.0 / (knn_distance(i, j) + KNN_EPSILON);
    all += w;
    if (knn_label(j, batch) == yi) { same += w; }
  }
  scratch[knn_sums_at(i)] = all;
  scratch[knn_sums_at(i) + 1u] = same;
}

// The loss of slot i (times n / counted: the advance's mean over n is then the mean over the counted) and
// n dL/dh_i over every pair it is in, into its output deltas (knn_backward multiplies by f'(z)).
@compute @workgroup_size(64)
fn knn_delta(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.x;
  let batch = current_batch();
  if (i >= batch.count || state.diverged_step != NONE) { return; }
  var counted = 0.0;
  for (var j = 0u; j < batch.count; j++) { if (scratch[knn_sums_at(j) + 1u] > 0.0) { counted += 1.0; } }
  let n = f32(batch.count);
  let all_i = scratch[knn_sums_at(i)];
  let same_i = scratch[knn_sums_at(i) + 1u];
  let base = i * stride();
  scratch[base + net.value_count + net.unit_count] = select(0.0, (log(all_i) - log(same_i)) * n / counted, same_i > 0.0);
  let out = net.layers[net.layer_count - 1u];
  let yi = knn_label(i, batch);
  var dh: array<f32, 32>;
  for (var j = 0u; j < batch.count; j++) {
    let d = knn_distance(i, j);
    if (j == i || d == 0.0) { continue; }
    let w = 1.0 / (d + KNN_EPSILON);
    let alike = knn_label(j, batch) == yi;
    let all_j = scratch[knn_sums_at(j)];
    let same_j = scratch[knn_sums_at(j) + 1u];
    // g_ij (i's loss) + g_ji (j's loss), each -(1/S_all - [alike]/S_same) w^2 / d / counted.
    var g = 0.0;
    if (same_i > 0.0) { g -= 1.0 / all_i - select(0.0, 1.0 / same_i, alike); }
    if (same_j > 0.0) { g -= 1.0 / all_j - select(0.0, 1.0 / same_j, alike); }
    g *= w * w / d / counted;
    for (var k = 0u; k < out.units; k++) {
      dh[k] += g * (scratch[base + out.out_offset + k] - scratch[j * stride() + out.out_offset + k]);
    }
  }
  let deltas = base + net.value_count + out.out_offset - net.input_size;
  for (var k = 0u; k < out.units; k++) { scratch[deltas + k] = n * dh[k]; }
}

@compute @workgroup_size(64)
fn knn_backward(@builtin(global_invocation_id) id: vec3<u32>) {
  let slot = id.x;
  let batch = current_batch();
  if (slot >= batch.count || state.diverged_step != NONE) { return; }
  let epoch = state.step / u.steps_per_epoch;
  let idx = permute(batch.lo + slot, u.n_train, epoch_key(u.seed, epoch), u.index_bits);
  var pre: array<f32, MAX_VALUES>;
  var post: array<f32, MAX_VALUES>;
  forward_values(idx * net.input_size, &pre, &post);
  let out = net.layers[net.layer_count - 1u];
  let base = slot * stride();
  let deltas = base + net.value_count + out.out_offset - net.input_size;
  var dz: array<f32, 32>;
  for (var k = 0u; k < out.units; k++) {
    let o = out.out_offset + k;
    dz[k] = scratch[deltas + k] * activate_grad(out.act, pre[o], post[o], out.slope);
  }
  backprop(base, &pre, &post, &dz);
}
