// Shared by every kernel: the batch schedule (twin: src/engine/permutation.ts) and the activations
// (twin: src/engine/activations.ts). Activation codes: 0 linear, 1 tanh, 2 relu, 3 leaky_relu,
// 4 sigmoid, 5 softplus (6 softmax is handled by the loss).

const NONE: u32 = 0xffffffffu;

fn hash32(v: u32) -> u32 {
  var x = v;
  x = x ^ (x >> 16u);
  x = x * 0x7feb352du;
  x = x ^ (x >> 15u);
  x = x * 0x846ca68bu;
  return x ^ (x >> 16u);
}

fn epoch_key(seed: u32, epoch: u32) -> u32 {
  return hash32(seed * 0x9e3779b9u + hash32(epoch));
}

// A keyed bijection of [0, n): an unbalanced 4-round Feistel network over `bits` bits (the low half and
// the high part take turns being XORed with a keyed hash of the other), cycle-walked into range.
// The domain is less than 2n, so a second pass is rare and lanes seldom wait on each other.
fn permute(slot: u32, n: u32, key: u32, bits: u32) -> u32 {
  let low_bits = bits >> 1u;
  let low_mask = (1u << low_bits) - 1u;
  let high_mask = (1u << (bits - low_bits)) - 1u;
  var x = slot;
  loop {
    var low = x & low_mask;
    var high = x >> low_bits;
    high ^= hash32(low ^ key) & high_mask;
    low ^= hash32(high ^ (key + 0x85ebca6bu)) & low_mask;
    high ^= hash32(low ^ (key + 2u * 0x85ebca6bu)) & high_mask;
    low ^= hash32(high ^ (key + 3u * 0x85ebca6bu)) & low_mask;
    x = (high << low_bits) | low;
    if (x < n) { break; }
  }
  return x;
}

// True when the float is NaN or ±infinity. Tested on the bits so no compiler can assume it away.
fn is_not_finite(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7f800000u) == 0x7f800000u;
}

// tanh and the logistic function through exp(−|z|): exact at both tails, never NaN.
fn tanh_(z: f32) -> f32 {
  let e = exp(-2.0 * abs(z));
  let t = (1.0 - e) / (1.0 + e);
  return select(-t, t, z >= 0.0);
}

fn sigmoid_(z: f32) -> f32 {
  let e = exp(-abs(z));
  let r = 1.0 / (1.0 + e);
  return select(e * r, r, z >= 0.0);
}

fn softplus_(z: f32) -> f32 {
  return max(z, 0.0) + log(1.0 + exp(-abs(z)));
}

fn activate(kind: u32, z: f32, slope: f32) -> f32 {
  switch kind {
    case 1u: { return tanh_(z); }
    case 2u: { return max(z, 0.0); }
    case 3u: { return select(slope * z, z, z > 0.0); }
    case 4u: { return sigmoid_(z); }
    case 5u: { return softplus_(z); }
    default: { return z; }
  }
}

// d act / dz, from the pre-activation z and the value a = act(z).
fn activate_grad(kind: u32, z: f32, a: f32, slope: f32) -> f32 {
  switch kind {
    case 1u: { return 1.0 - a * a; }
    case 2u: { return select(0.0, 1.0, z > 0.0); }
    case 3u: { return select(slope, 1.0, z > 0.0); }
    case 4u: { return a * (1.0 - a); }
    case 5u: { return sigmoid_(z); }
    default: { return 1.0; }
  }
}

// f''(z) from the value a and the first derivative d = f'(z), for the contractive penalty
// (twin: ActivationFn.curvature): tanh'' = −2a·d, σ'' = d(1 − 2a), softplus'' = d(1 − d); 0 for the others.
fn activate_curvature(kind: u32, a: f32, d: f32) -> f32 {
  switch kind {
    case 1u: { return -2.0 * a * d; }
    case 4u: { return d * (1.0 - 2.0 * a); }
    case 5u: { return d * (1.0 - d); }
    default: { return 0.0; }
  }
}

// Training settings, written by the engine when they change (twin: OptimizerSpec, TrainOptions).
struct TrainUniforms {
  n_train: u32,
  batch: u32,
  steps_per_epoch: u32,
  seed: u32,
  steps_per_dispatch: u32,
  index_bits: u32,
  optimizer: u32,   // 0 sgd, 1 momentum, 2 rmsprop, 3 adam
  chunk: u32,       // samples per gradient partial (general path)
  lr: f32,
  momentum: f32,
  rho: f32,
  beta1: f32,
  beta2: f32,
  epsilon: f32,
  l1: f32,
  l2: f32,
  // 1 − ρ, 1 − β1, 1 − β2 rounded from float64 on the host: in float32, 1 − 0.999 is 1.3e-5 off.
  one_minus_rho: f32,
  one_minus_beta1: f32,
  one_minus_beta2: f32,
  bias_steps: u32,  // entries of the Adam bias-correction table (steps 0 .. bias_steps − 1)
  contractive: f32, // λ of the contractive penalty (read only by kernels generated with it on)
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

// Adam's bias corrections 1 / (1 − β1^t), 1 / (1 − β2^t) of step `step` (t = step + 1): `entry` is the
// table row the host computed in float64 (kernels pass bias_table[min(step, steps − 1)]); beyond the table,
// where β^t is tiny and float32 is exact enough, they are computed here.
fn adam_bias(step: u32, steps: u32, entry: vec2<f32>, beta1: f32, beta2: f32) -> vec2<f32> {
  if (step < steps) { return entry; }
  let t = f32(step + 1u);
  return vec2<f32>(1.0 / (1.0 - pow(beta1, t)), 1.0 / (1.0 - pow(beta2, t)));
}

// The training position, kept on the GPU so that many steps can be queued without the CPU.
struct State {
  step: u32,
  target_step: u32,
  diverged_step: u32,  // NONE while the loss stays finite
  last_loss: f32,      // mean loss of the last batch
  good_step: u32,      // the step whose (finite-loss) weights the backup holds; NONE when there is none
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}
