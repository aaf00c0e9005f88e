// Fused training for small networks: forward, loss, backward, batch reduction and optimiser update of
// up to `steps_per_dispatch` steps in one dispatch of one workgroup. Every lane keeps an identical
// private copy of the parameters (p*), optimiser moments (m*, v*) and gradients (g*); the reduced
// gradient is the same in every lane, so each lane applies the same update and none waits on another.
// The lines marked `//@` are replaced by straight-line code for one network shape (src/engine/codegen.ts;
// `npm run wgsl -- --arch 2-3-2-1` prints a whole kernel). Twin: TwinTrainer.train() in src/engine/twin.ts.

@group(0) @binding(0) var<uniform> u: TrainUniforms;
@group(0) @binding(1) var<storage, read> xs: array<f32>;              // (N, IN)
@group(0) @binding(2) var<storage, read> ys: array<f32>;              // (N)
@group(0) @binding(3) var<storage, read_write> params: array<f32>;    // (P)
@group(0) @binding(4) var<storage, read_write> moments: array<f32>;   // (2, P) moments, (3, P) backup
@group(0) @binding(5) var<storage, read_write> state: State;
@group(0) @binding(6) var<storage, read> bias_table: array<vec2<f32>>;

var<workgroup> step_range: vec4<u32>;
//@ workgroup declarations

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) lid: u32) {
  if (lid == 0u) {
    let start = state.step;
    let end = select(start, min(state.target_step, start + u.steps_per_dispatch), state.diverged_step == NONE);
    step_range = vec4<u32>(start, end, state.good_step, 0u);
  }
  let range = workgroupUniformLoad(&step_range);
  // The step whose weights the backup holds: the last one whose batch loss was finite.
  var good = range.z;
  //@ load parameters
  var diverged_at = NONE;
  var last_loss = 0.0;
  for (var step = range.x; step < range.y; step++) {
    let epoch = step / u.steps_per_epoch;
    let lo = (step - epoch * u.steps_per_epoch) * u.batch;
    let hi = min(u.n_train, lo + u.batch);
    let key = epoch_key(u.seed, epoch);
    //@ zero gradients
    //@ contractive terms of the step
    var loss_sum = 0.0;
    for (var slot = lo + lid; slot < hi; slot += WORKGROUP_SIZE) {
      let idx = permute(slot, u.n_train, key, u.index_bits);
      //@ one sample: forward, loss, backward, accumulate
    }
    //@ reduce over the workgroup
    let count = f32(hi - lo);
    let batch_loss = loss_sum / count;
    if (is_not_finite(batch_loss) && diverged_at == NONE) { diverged_at = step; }
    let live = diverged_at == NONE;
    last_loss = select(last_loss, batch_loss, live);
    let bias = adam_bias(step, u.bias_steps, bias_table[min(step, u.bias_steps - 1u)], u.beta1, u.beta2);
    let bias1 = bias.x;
    let bias2 = bias.y;
    // The weights about to be updated gave a finite loss: they become the backup (each lane its share).
    if (live) {
      good = step;
      //@ back up parameters
    }
    //@ optimiser update
  }
  // After a divergence, the weights of the last finite step come back from the backup (read by the lanes
  // that wrote them, so no barrier is needed); without one (diverged on the first step), the current stay.
  let rollback = diverged_at != NONE && diverged_at > 0u && good == diverged_at - 1u;
  if (rollback) {
    //@ restore parameters from the backup
  } else if (lid == 0u) {
    //@ store parameters
  }
  if (lid == 0u) {
    state.last_loss = last_loss;
    state.good_step = good;
    if (diverged_at != NONE) {
      state.diverged_step = diverged_at;
      state.step = select(diverged_at, diverged_at - 1u, rollback);
    } else {
      state.step = range.y;
    }
  }
}
