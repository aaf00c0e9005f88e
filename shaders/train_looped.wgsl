// Cooperative fused training: any shape within the limits, up to `steps_per_dispatch` steps in one
// dispatch of one workgroup. Unlike train_fused.wgsl no lane holds a copy of the network: the parameters
// and moments stay in storage, and the lanes share the work of each phase of a step:
//   forward    lanes over (sample, unit) pairs, one layer at a time
//   loss       lanes over samples (output deltas), then the batch loss summed in workgroup memory
//   backward   lanes over (sample, unit) pairs, one layer at a time, from the output down
//   update     lanes over parameters: each sums its gradient over the batch in sample order, then updates
// Every sum runs in a fixed order (no atomics), so a seed on an adapter always gives the same run.
// Where the parameters fit in workgroup memory, the forward and backward passes read a copy there (`pw`,
// loaded once per dispatch and kept in step by the update); else they read the storage buffer.
// With the contractive penalty, before the backward pass the lanes over hidden units put 2λ·Σ_i W_ji² (jc)
// and 2λ·(1/B)·Σ_samples f'(z_j)² (jq) of each unit in workgroup memory.
// The lines marked `//@` become loops whose bounds and offsets are constants of one shape
// (src/engine/codegenCooperative.ts). Twin: TwinTrainer.train() in src/engine/twin.ts.

@group(0) @binding(1) var<uniform> u: TrainUniforms;
@group(0) @binding(2) var<storage, read> xs: array<f32>;               // (N, IN)
@group(0) @binding(3) var<storage, read> ys: array<f32>;               // (N)
@group(0) @binding(4) var<storage, read_write> params: array<f32>;     // (P)
@group(0) @binding(5) var<storage, read_write> moments: array<f32>;    // (2, P) moments, (3, P) backup
@group(0) @binding(6) var<storage, read_write> state: State;
@group(0) @binding(7) var<storage, read_write> scratch: array<f32>;    // (batch, S)
@group(0) @binding(9) var<storage, read> bias_table: array<vec2<f32>>;

//@ constants

var<workgroup> red: array<f32, WG>;
var<workgroup> shared_range: vec4<u32>;
var<workgroup> shared_loss: f32;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  if (lid == 0u) {
    let start = state.step;
    let end = select(start, min(state.target_step, start + u.steps_per_dispatch), state.diverged_step == NONE);
    shared_range = vec4<u32>(start, end, state.good_step, 0u);
  }
  let range = workgroupUniformLoad(&shared_range);
  //@ stage the parameters
  var good = range.z;
  var diverged_at = NONE;
  var last_loss = 0.0;
  for (var step = range.x; step < range.y; step++) {
    let epoch = step / u.steps_per_epoch;
    let lo = (step - epoch * u.steps_per_epoch) * u.batch;
    let count = min(u.n_train, lo + u.batch) - lo;
    let key = epoch_key(u.seed, epoch);
    for (var s = lid; s < count; s += WG) {
      let idx = permute(lo + s, u.n_train, key, u.index_bits);
      //@ load the inputs of slot s (sample idx)
    }
    storageBarrier();
    //@ forward
    var loss = 0.0;
    for (var s = lid; s < count; s += WG) {
      let idx = permute(lo + s, u.n_train, key, u.index_bits);
      //@ loss of slot s (sample idx)
    }
    red[lid] = loss;
    workgroupBarrier();
    if (lid == 0u) {
      var total = 0.0;
      for (var k = 0u; k < WG; k++) { total += red[k]; }
      shared_loss = total / f32(count);
    }
    let batch_loss = workgroupUniformLoad(&shared_loss);
    if (is_not_finite(batch_loss)) {
      diverged_at = step;
      break;
    }
    last_loss = batch_loss;
    storageBarrier();
    //@ contractive terms of the step
    //@ backward
    var bias = vec2<f32>(1.0, 1.0);
    if (ADAM) { bias = adam_bias(step, u.bias_steps, bias_table[min(step, u.bias_steps - 1u)], u.beta1, u.beta2); }
    //@ gradients and updates
    good = step;
    // The updated weights are read by the next step's forward pass: from storage, and from the workgroup
    // copy where the parameters are staged (a storage barrier does not order workgroup memory).
    storageBarrier();
    workgroupBarrier();
  }
  // After a divergence, the weights and moments of the last finite step come back from the backup
  // (written by other lanes before the barrier that ended their step).
  let rollback = diverged_at != NONE && diverged_at > 0u && good == diverged_at - 1u;
  if (rollback) {
    for (var p = lid; p < P; p += WG) {
      params[p] = moments[2u * P + p];
      moments[p] = moments[3u * P + p];
      moments[P + p] = moments[4u * P + p];
    }
  }
  if (lid == 0u) {
    state.good_step = good;
    if (diverged_at != NONE) {
      state.diverged_step = diverged_at;
      state.step = select(diverged_at, diverged_at - 1u, rollback);
    } else {
      state.step = range.y;
    }
    if (range.y > range.x && diverged_at != range.x) { state.last_loss = last_loss; }
  }
}
